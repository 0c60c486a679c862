using System.Diagnostics;

namespace Twin.Testing.Mosquitto;

/// <summary>Test PKI made with the <c>openssl</c> command line: a CA and server certificates it signs.</summary>
public static class TestCertificates
{
    /// <summary>Creates a self-signed CA (<c>{name}.crt</c>, <c>{name}.key</c>, EC P-256) in <paramref name="directory"/>.</summary>
    /// <param name="directory">Existing directory.</param>
    /// <param name="name">File name stem and CN.</param>
    /// <returns>Path of the CA certificate (PEM).</returns>
    public static async Task<string> CreateCertificateAuthorityAsync(string directory, string name = "ca")
    {
        string crt = Path.Combine(directory, name + ".crt"), key = Path.Combine(directory, name + ".key");
        await RunOpenSslAsync(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", crt, "-days", "3", "-subj", $"/CN=Twin test CA {name}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign").ConfigureAwait(false);
        return crt;
    }

    /// <summary>
    /// Creates a server certificate for 127.0.0.1 and localhost (CN and subjectAltName) signed by the CA at
    /// <paramref name="caCertificate"/> (its key next to it, same stem, <c>.key</c>).
    /// </summary>
    /// <param name="directory">Existing directory.</param>
    /// <param name="caCertificate">CA certificate path from <see cref="CreateCertificateAuthorityAsync"/>.</param>
    /// <param name="name">File name stem.</param>
    /// <returns>Paths of the certificate and key (PEM).</returns>
    public static async Task<(string Certificate, string Key)> CreateServerCertificateAsync(string directory, string caCertificate, string name = "server")
    {
        string crt = Path.Combine(directory, name + ".crt"), key = Path.Combine(directory, name + ".key");
        string csr = Path.Combine(directory, name + ".csr"), ext = Path.Combine(directory, name + ".ext");
        string caKey = Path.ChangeExtension(caCertificate, ".key");
        await File.WriteAllTextAsync(ext,
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n").ConfigureAwait(false);
        await RunOpenSslAsync(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1").ConfigureAwait(false);
        await RunOpenSslAsync(directory, "x509", "-req", "-in", csr, "-CA", caCertificate, "-CAkey", caKey, "-CAcreateserial",
            "-out", crt, "-days", "3", "-extfile", ext).ConfigureAwait(false);
        return (crt, key);
    }

    private static async Task RunOpenSslAsync(string directory, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start openssl");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
    }
}
