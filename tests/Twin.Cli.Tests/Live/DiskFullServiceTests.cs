using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Live;

/// <summary>
/// <c>twin serve --mqtt</c> with its data directory on a real small disk (a tmpfs mounted by the test) that fills up:
/// the service stops acknowledging (the broker keeps the messages), <c>/health</c> says the disk is full, and once
/// there is room every sample arrives in the spool exactly once.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class DiskFullServiceTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    public async Task A_full_disk_holds_the_samples_back_at_the_broker_and_all_arrive_once_there_is_room()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var disk = SmallDisk.Mount(40L << 20);
        // The spool keeps 16 MiB free for the checkpoints next to it: leave it about 2 MiB above that.
        string filler = disk.Fill("filler", disk.FreeBytes - (18L << 20));
        await using var rig = new ServeRig(_twin, broker.Url, Path.Combine(disk.Path, "data"));
        await rig.StartConnectedAsync();

        const int samples = 6_000;
        await ServeRig.PublishAsync(broker.Url, 0, samples); // the broker has them all; the service takes what fits
        string health = await Wait.ForAsync(rig.HealthAsync, h => h?.Contains("is full", StringComparison.Ordinal) == true,
            "/health to report the full disk") ?? "";
        _twin.Log("health with the disk full: " + health);
        Assert.Contains("\"unhealthy\"", health, StringComparison.Ordinal);
        long applied = await rig.LastSeqAsync();
        Assert.InRange(applied, 0, samples - 2);

        File.Delete(filler);
        await rig.WaitForSeqAsync(samples - 1);
        await rig.WaitHealthyAsync();
        Assert.Equal(0, await rig.StopAsync());
        Assert.Equal(Enumerable.Range(0, samples).Select(i => (long)i), rig.SpooledSeqs());
    }
}
