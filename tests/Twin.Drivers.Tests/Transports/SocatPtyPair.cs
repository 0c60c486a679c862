using System.Diagnostics;
using Twin.Testing;

namespace Twin.Drivers.Tests.Transports;

/// <summary>Two linked pseudo-terminals made by the real socat: bytes written to one come out of the other.</summary>
public sealed class SocatPtyPair : IAsyncDisposable
{
    private readonly Process _process;

    private SocatPtyPair(Process process, string a, string b)
    {
        _process = process;
        PathA = a;
        PathB = b;
    }

    public string PathA { get; }

    public string PathB { get; }

    public static async Task<SocatPtyPair> StartAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "twin-pty-tests");
        Directory.CreateDirectory(dir);
        string id = Guid.NewGuid().ToString("N")[..12];
        string a = Path.Combine(dir, $"{id}-a"), b = Path.Combine(dir, $"{id}-b");
        var psi = new ProcessStartInfo("/usr/bin/socat") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add($"pty,raw,echo=0,link={a}");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={b}");
        var p = Process.Start(psi)!;
        p.BeginErrorReadLine();
        await Wait.UntilAsync(() => p.HasExited ? throw new InvalidOperationException("socat exited before creating the pty pair") : File.Exists(a) && File.Exists(b),
            $"socat to create the pty pair {a}, {b}");
        return new SocatPtyPair(p, a, b);
    }

    /// <summary>Kills socat: both pseudo-terminals hang up.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
        File.Delete(PathA);   // a killed socat leaves its links behind
        File.Delete(PathB);
        return ValueTask.CompletedTask;
    }
}
