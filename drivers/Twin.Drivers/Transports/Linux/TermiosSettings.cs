namespace Twin.Drivers.Transports.Linux;

/// <summary>Translates <see cref="SerialSettings"/> into termios flags and back (pure; no system calls except cfset*/cfget*).</summary>
internal static unsafe class TermiosSettings
{
    /// <summary>Puts <paramref name="t"/> into raw mode (what glibc cfmakeraw does) and applies the frame, speed and flow settings.</summary>
    public static void Apply(ref TermiosData t, SerialSettings s)
    {
        // cfmakeraw semantics, written out (glibc termios/cfmakeraw.c)
        t.IFlag &= ~(Termios.IGNBRK | Termios.BRKINT | Termios.PARMRK | Termios.ISTRIP | Termios.INLCR | Termios.IGNCR | Termios.ICRNL | Termios.IXON);
        t.OFlag &= ~Termios.OPOST;
        t.LFlag &= ~(Termios.ECHO | Termios.ECHONL | Termios.ICANON | Termios.ISIG | Termios.IEXTEN);
        t.CFlag &= ~(Termios.CSIZE | Termios.PARENB);
        t.CFlag |= Termios.CS8;
        // non-blocking reads return what is there: VMIN=0, VTIME=0 (poll(2) does the waiting)
        t.Cc[Termios.VMIN] = 0;
        t.Cc[Termios.VTIME] = 0;

        t.CFlag &= ~(Termios.CSIZE | Termios.PARENB | Termios.PARODD | Termios.CSTOPB | Termios.CRTSCTS);
        t.CFlag |= s.DataBits == 7 ? Termios.CS7 : Termios.CS8;
        switch (s.Parity)
        {
            case SerialParity.Even: t.CFlag |= Termios.PARENB; t.IFlag |= Termios.INPCK; break;
            case SerialParity.Odd: t.CFlag |= Termios.PARENB | Termios.PARODD; t.IFlag |= Termios.INPCK; break;
            default: t.IFlag &= ~Termios.INPCK; break;
        }
        if (s.StopBits == 2) t.CFlag |= Termios.CSTOPB;
        t.IFlag &= ~(Termios.IXON | Termios.IXOFF | Termios.IXANY);
        if (s.Flow == SerialFlowControl.RtsCts) t.CFlag |= Termios.CRTSCTS;
        else if (s.Flow == SerialFlowControl.XonXoff) t.IFlag |= Termios.IXON | Termios.IXOFF;
        t.CFlag |= Termios.CLOCAL | Termios.CREAD;

        uint speed = Termios.SpeedConstant(s.BaudRate) ?? throw new ArgumentException($"baud rate {s.BaudRate} is not standard");
        fixed (TermiosData* p = &t)
        {
            Termios.CfSetISpeed(p, speed);
            Termios.CfSetOSpeed(p, speed);
        }
    }

    /// <summary>Decodes the flags of <paramref name="t"/>.</summary>
    public static SerialLineState Decode(in TermiosData t)
    {
        uint speed;
        fixed (TermiosData* p = &t) speed = Termios.CfGetOSpeed(p);
        int bits = (t.CFlag & Termios.CSIZE) switch { Termios.CS5 => 5, Termios.CS6 => 6, Termios.CS7 => 7, _ => 8 };
        var parity = (t.CFlag & Termios.PARENB) == 0 ? SerialParity.None
            : (t.CFlag & Termios.PARODD) != 0 ? SerialParity.Odd : SerialParity.Even;
        var flow = (t.CFlag & Termios.CRTSCTS) != 0 ? SerialFlowControl.RtsCts
            : (t.IFlag & (Termios.IXON | Termios.IXOFF)) != 0 ? SerialFlowControl.XonXoff : SerialFlowControl.None;
        bool raw = (t.LFlag & (Termios.ICANON | Termios.ECHO | Termios.ISIG | Termios.IEXTEN)) == 0 && (t.OFlag & Termios.OPOST) == 0
                   && (t.IFlag & (Termios.ICRNL | Termios.INLCR | Termios.IGNCR | Termios.ISTRIP)) == 0;
        bool local = (t.CFlag & (Termios.CLOCAL | Termios.CREAD)) == (Termios.CLOCAL | Termios.CREAD);
        return new SerialLineState(Termios.BaudOf(speed), bits, parity, (t.CFlag & Termios.CSTOPB) != 0 ? 2 : 1, flow, raw, local);
    }
}
