using System.Diagnostics;
using System.Text;

namespace Twin.Testing.Pty;

/// <summary>
/// Two linked pseudo-terminals made by the real socat (<c>socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>):
/// bytes written to one come out of the other. Killing socat hangs both up, as a pulled cable would.
/// </summary>
public sealed class SocatPtyPair : IAsyncDisposable, IDisposable
{
    private readonly Process _process;

    private SocatPtyPair(Process process, string a, string b)
    {
        _process = process;
        PathA = a;
        PathB = b;
        DeviceA = new FileInfo(a).ResolveLinkTarget(true)?.FullName ?? a;
        DeviceB = new FileInfo(b).ResolveLinkTarget(true)?.FullName ?? b;
    }

    /// <summary>The link to the first pseudo-terminal (in the temporary folder).</summary>
    public string PathA { get; }

    /// <summary>The link to the second pseudo-terminal.</summary>
    public string PathB { get; }

    /// <summary>The first pseudo-terminal's device, e.g. <c>/dev/pts/3</c>.</summary>
    public string DeviceA { get; }

    /// <summary>The second pseudo-terminal's device.</summary>
    public string DeviceB { get; }

    /// <summary>Starts socat and waits until both links exist.</summary>
    /// <returns>The pair.</returns>
    /// <exception cref="InvalidOperationException">socat exited before creating the pair (its output in the message).</exception>
    /// <exception cref="TimeoutException">The links did not appear in time (socat's output in the message).</exception>
    public static async Task<SocatPtyPair> StartAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "twin-pty-tests");
        Directory.CreateDirectory(dir);
        string id = Guid.NewGuid().ToString("N")[..12];
        string a = Path.Combine(dir, $"{id}-a"), b = Path.Combine(dir, $"{id}-b");
        var psi = new ProcessStartInfo("/usr/bin/socat") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add($"pty,raw,echo=0,link={a}");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={b}");
        var output = new StringBuilder();
        var p = new Process { StartInfo = psi };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            await Wait.UntilAsync(() => p.HasExited ? throw new InvalidOperationException($"socat exited before creating the pty pair:\n{Output()}")
                : File.Exists(a) && File.Exists(b), $"socat to create the pty pair {a}, {b}", observed: Output).ConfigureAwait(false);
        }
        catch
        {
            if (!p.HasExited) p.Kill();
            p.Dispose();
            throw;
        }
        return new SocatPtyPair(p, a, b);
    }

    /// <summary>Kills socat: both pseudo-terminals hang up.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Kills socat and removes the links it leaves behind.</summary>
    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
        File.Delete(PathA);   // a killed socat leaves its links behind
        File.Delete(PathB);
    }

    /// <summary>As <see cref="Dispose"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
