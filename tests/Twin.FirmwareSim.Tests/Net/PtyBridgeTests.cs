using System.Text;
using Twin.FirmwareSim.Net;
using Twin.Testing;

namespace Twin.FirmwareSim.Tests.Net;

[Trait("Category", "Pty")]
public sealed class PtyBridgeTests
{
    private static async Task<string> QueryOverPtyAsync(string link, string line)
    {
        // open the pty as a plain file: socat set it raw, so a line goes through unchanged
        await using var pty = new FileStream(link, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        await pty.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
        await pty.FlushAsync();
        var sb = new StringBuilder();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            int n = await pty.ReadAsync(one, cts.Token);
            if (n == 0 || one[0] == '\n') break;
            sb.Append((char)one[0]);
        }
        return sb.ToString();
    }

    [Fact]
    public async Task Exposes_the_server_as_a_pty_restarts_socat_and_cleans_up()
    {
        await using var server = new LineServer(new EchoDevice()).Start();
        var bridge = await PtyBridge.StartAsync(server);
        string link = bridge.LinkPath;
        Assert.True(File.Exists(link));
        Assert.StartsWith("/dev/pts/", new FileInfo(link).LinkTarget);
        Assert.Equal("echo:over the pty", await Task.Run(() => QueryOverPtyAsync(link, "over the pty")));

        // the device drops the link: socat exits and is restarted at the same path
        long starts = bridge.Starts;
        server.DropConnections();
        await Wait.UntilAsync(() => bridge.Starts > starts, "the bridge to restart socat");
        Assert.True(await bridge.WaitForLinkAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("echo:again", await Task.Run(() => QueryOverPtyAsync(link, "again")));

        await bridge.StopAsync();
        Assert.False(File.Exists(link));
        Assert.Null(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void Missing_socat_has_a_clear_message()
    {
        Assert.Null(PtyBridge.FindSocat("/nonexistent-dir"));
        Assert.Equal("/usr/bin/socat", PtyBridge.FindSocat("/usr/bin"));
        Assert.Equal("socat not found; install the Debian package socat", PtyBridge.SocatMissingMessage);
    }
}
