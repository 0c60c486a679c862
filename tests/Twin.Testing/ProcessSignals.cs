using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Twin.Testing;

/// <summary>POSIX signals to child processes (a normal stop is SIGTERM; <see cref="Process.Kill()"/> is SIGKILL).</summary>
public static class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM: the process runs its shutdown code (a service stopped by systemd or Ctrl-C).</summary>
    /// <param name="process">A running child process.</param>
    /// <exception cref="InvalidOperationException">The signal could not be sent (errno in the message).</exception>
    public static void Terminate(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (Kill(process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
