using System.Text;
using Microsoft.Extensions.Time.Testing;
using Twin.Data.Readers;
using Twin.Data.Readers.Follow;

namespace Twin.Data.Tests.Readers;

/// <summary>A file another program is still writing, read through <see cref="GrowingFileStream"/> by the cycler reader.</summary>
public class GrowingFileStreamTests
{
    private static readonly FollowOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task Rows_appear_as_their_lines_complete_and_a_half_written_line_is_held_back()
    {
        string path = Path.GetTempFileName();
        try
        {
            var lines = File.ReadAllLines(TestFiles.Bdf);
            File.WriteAllText(path, string.Join('\n', lines.Take(11)) + "\n" + lines[11][..10]); // 10 rows and half of the 11th
            var time = new FakeTimeProvider();
            using var stop = new CancellationTokenSource();
            using var idle = new SemaphoreSlim(0);
            using var stream = new GrowingFileStream(path, Fast with { IdleExit = TimeSpan.FromMinutes(1), OnIdle = () => idle.Release() }, time, stop.Token);
            using var reader = CyclerFileReader.Open(stream, "growing.csv");
            using var rows = reader.GetEnumerator();
            for (int i = 0; i < 10; i++) Assert.True(rows.MoveNext());
            Assert.Equal(10, stream.HeldBackBytes);

            while (idle.CurrentCount > 0) idle.Wait(0); // only looks taken by the next read count
            var next = Task.Run(rows.MoveNext); // waits for the rest of the line
            Assert.True(await idle.WaitAsync(TimeSpan.FromSeconds(30)), "the stream to look at the file's end and find only the half row");
            Assert.False(next.IsCompleted, "a half-written row must not be read");
            File.AppendAllText(path, lines[11][10..] + "\n");
            Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
            var (all, _) = TestFiles.ReadAll(TestFiles.Bdf);
            Assert.Equal(all[10], rows.Current);

            var end = Task.Run(rows.MoveNext);
            time.Advance(TimeSpan.FromMinutes(1)); // no growth for the idle time: the stream ends
            Assert.False(await end.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_replaced_under_the_same_name_fails_the_read_with_what_happened()
    {
        string path = Path.GetTempFileName();
        try
        {
            var lines = File.ReadAllLines(TestFiles.Bdf);
            File.WriteAllText(path, string.Join('\n', lines.Take(50)) + "\n");
            using var stream = new GrowingFileStream(path, Fast);
            using var reader = CyclerFileReader.Open(stream, "growing.csv");
            using var rows = reader.GetEnumerator();
            for (int i = 0; i < 49; i++) Assert.True(rows.MoveNext());
            var next = Task.Run(rows.MoveNext);
            var replacement = lines.Take(60).ToArray();
            replacement[0] = replacement[0].Replace("Test Time / h", "Test Time / s", StringComparison.Ordinal); // a new test, same name, longer
            File.WriteAllText(path + ".new", string.Join('\n', replacement) + "\n");
            File.Move(path + ".new", path, overwrite: true); // saved as a new file under the same name
            var e = await Assert.ThrowsAsync<FollowedFileChangedException>(() => next.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("was replaced while it was followed", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
