using Microsoft.Win32.SafeHandles;

namespace Twin.Drivers.Transports.Linux;

/// <summary>An open serial-port file descriptor; released (exclusive mode dropped, then closed) when the last user lets go.</summary>
internal sealed unsafe class SerialFdHandle : SafeHandleMinusOneIsInvalid
{
    public SerialFdHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The descriptor number (valid while a reference is held).</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle()
    {
        int fd = (int)handle;
        Termios.Ioctl(fd, Termios.TIOCNXCL, null); // so the next open of a pty that stays alive is not refused
        return Termios.Close(fd) == 0;
    }
}
