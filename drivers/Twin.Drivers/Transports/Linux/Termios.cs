using System.Runtime.InteropServices;

namespace Twin.Drivers.Transports.Linux;

/// <summary>
/// glibc <c>struct termios</c> on Linux x86_64 and aarch64 (identical there: four <c>tcflag_t</c>, <c>c_line</c>,
/// <c>c_cc[NCCS=32]</c>, then <c>c_ispeed</c>/<c>c_ospeed</c> at offset 52; 60 bytes). Source: glibc
/// <c>sysdeps/unix/sysv/linux/bits/termios-struct.h</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TermiosData
{
    public uint IFlag;
    public uint OFlag;
    public uint CFlag;
    public uint LFlag;
    public byte Line;
    public fixed byte Cc[32];
    public uint ISpeed;
    public uint OSpeed;
}

/// <summary>Entry in the array given to poll(2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short REvents;
}

/// <summary>
/// P/Invoke declarations for the Linux serial port (libc): open/close/read/write, poll, termios and the
/// modem-control ioctls. Constants from the Linux UAPI headers <c>asm-generic/termbits.h</c>,
/// <c>asm-generic/ioctls.h</c>, <c>asm-generic/fcntl.h</c>, <c>asm-generic/errno-base.h</c> and
/// <c>asm-generic/poll.h</c> (the same numbers on x86_64 and arm64). Octal values from the headers are written
/// in hex here.
/// </summary>
internal static unsafe partial class Termios
{
    private const string Libc = "libc";

    // open(2) flags
    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;      // 0400
    public const int O_NONBLOCK = 0x800;    // 04000
    public const int O_CLOEXEC = 0x80000;   // 02000000

    // errno
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;

    // poll(2)
    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    // c_iflag
    public const uint IGNBRK = 0x1, BRKINT = 0x2, IGNPAR = 0x4, PARMRK = 0x8, INPCK = 0x10, ISTRIP = 0x20;
    public const uint INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400, IXANY = 0x800, IXOFF = 0x1000;

    // c_oflag
    public const uint OPOST = 0x1;

    // c_lflag
    public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;

    // c_cflag
    public const uint CSIZE = 0x30, CS5 = 0x0, CS6 = 0x10, CS7 = 0x20, CS8 = 0x30;
    public const uint CSTOPB = 0x40, CREAD = 0x80, PARENB = 0x100, PARODD = 0x200, HUPCL = 0x400, CLOCAL = 0x800;
    public const uint CBAUD = 0x100F, CRTSCTS = 0x80000000;

    // c_cc indices
    public const int VTIME = 5, VMIN = 6;

    // tcsetattr / tcflush
    public const int TCSANOW = 0;
    public const int TCIOFLUSH = 2;

    // ioctl requests
    public const nuint TIOCEXCL = 0x540C;
    public const nuint TIOCNXCL = 0x540D;
    public const nuint TIOCMGET = 0x5415;
    public const nuint TIOCMBIS = 0x5416;
    public const nuint TIOCMBIC = 0x5417;
    public const nuint TIOCMSET = 0x5418;
    public const int TIOCM_DTR = 0x002;
    public const int TIOCM_RTS = 0x004;

    [LibraryImport(Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, TermiosData* termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, TermiosData* termios);

    [LibraryImport(Libc, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int CfSetISpeed(TermiosData* termios, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int CfSetOSpeed(TermiosData* termios, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfgetospeed")]
    public static partial uint CfGetOSpeed(TermiosData* termios);

    [LibraryImport(Libc, EntryPoint = "cfgetispeed")]
    public static partial uint CfGetISpeed(TermiosData* termios);

    [LibraryImport(Libc, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    /// <summary>ioctl(2) with an int* argument (variadic in C; the pointer is passed like a fixed argument on x86_64 and arm64 Linux).</summary>
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* argument);

    [LibraryImport(Libc, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The C library's text for an errno value, e.g. "Input/output error (EIO 5)".</summary>
    public static string Describe(int errno)
    {
        string text = Marshal.PtrToStringUTF8(StrError(errno)) ?? "unknown error";
        return $"{text} (errno {errno})";
    }

    /// <summary>Linux B-constant for a standard baud rate (asm-generic/termbits.h), or null if the rate is not standard.</summary>
    public static uint? SpeedConstant(int baud) => baud switch
    {
        1200 => 0x9, 1800 => 0xA, 2400 => 0xB, 4800 => 0xC, 9600 => 0xD, 19200 => 0xE, 38400 => 0xF,
        57600 => 0x1001, 115200 => 0x1002, 230400 => 0x1003, 460800 => 0x1004, 500000 => 0x1005,
        576000 => 0x1006, 921600 => 0x1007, 1000000 => 0x1008, 1152000 => 0x1009, 1500000 => 0x100A,
        2000000 => 0x100B, 2500000 => 0x100C, 3000000 => 0x100D, 3500000 => 0x100E, 4000000 => 0x100F,
        _ => null,
    };

    /// <summary>Baud rate for a Linux B-constant (inverse of <see cref="SpeedConstant"/>), or null.</summary>
    public static int? BaudOf(uint speed)
    {
        foreach (int baud in StandardBaudRates)
            if (SpeedConstant(baud) == speed) return baud;
        return null;
    }

    /// <summary>The standard rates this transport accepts.</summary>
    public static readonly int[] StandardBaudRates =
    [
        1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
        1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    ];
}
