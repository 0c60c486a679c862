using System.Diagnostics;
using Twin.Drivers.IoBox;
using Twin.Testing;
using Xunit.Abstractions;

namespace Twin.Drivers.Tests.IoBox;

/// <summary>Runs alone: it counts the process's Firmata reader threads, which other tests' boxes would add to.</summary>
[CollectionDefinition(nameof(FirmataThreadsCollection), DisableParallelization = true)]
public sealed class FirmataThreadsCollection;

/// <summary>
/// Closing the I/O box ends ArduinoBoard's input thread — also when the board went silent — so a finished
/// <c>twin drive</c> exits instead of being held open by a foreground reader.
/// </summary>
[Collection(nameof(FirmataThreadsCollection))]
public sealed class FirmataDisposeTests(ITestOutputHelper output)
{
    private static int FirmataThreads() => Directory.EnumerateDirectories("/proc/self/task").Count(IsFirmataThread);

    private static bool IsFirmataThread(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("Firmata", StringComparison.Ordinal); }
        catch (IOException) { return false; } // the thread ended while the list was read
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Closing_the_box_ends_the_boards_reader_thread(bool silentFirst)
    {
        await using var sim = await FirmataFixture.StartAsync();
        int before = FirmataThreads();
        var box = FirmataFixture.Box(sim);
        await box.OpenAsync();
        Assert.Equal(before + 1, FirmataThreads());
        if (silentFirst)
        {
            sim.ArduinoFaults!.SilentReplies = true;
            await Wait.UntilAsync(() => Record.Exception(() => box.ReadTemperature()) is not null, "the temperature to go stale");
        }
        var watch = Stopwatch.StartNew();
        await box.DisposeAsync();
        output.WriteLine($"dispose {watch.ElapsedMilliseconds} ms");
        await Wait.UntilAsync(() => FirmataThreads() == before, "the Firmata input thread to end", observed: () => $"{FirmataThreads()} Firmata threads");
        Assert.False(box.IsOpen);
    }
}
