using System.Runtime.CompilerServices;

// The transport tests check the termios flag translation (TermiosSettings) directly, because a pseudo-terminal
// cannot show character size and parity (the Linux pty driver forces CS8 and no parity).
[assembly: InternalsVisibleTo("Twin.Drivers.Tests")]
