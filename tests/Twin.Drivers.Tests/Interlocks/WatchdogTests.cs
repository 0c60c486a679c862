using Microsoft.Extensions.Time.Testing;
using Twin.Drivers.Interlocks;

namespace Twin.Drivers.Tests.Interlocks;

public class WatchdogTests
{
    [Fact]
    public void Expires_after_the_timeout_of_silence_and_feeding_resets_it()
    {
        var time = new FakeTimeProvider();
        var w = new Watchdog(TimeSpan.FromSeconds(2), time);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(w.IsExpired(out _));
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(w.IsExpired(out string why));
        Assert.Contains("no twin heartbeat for 2.1 s (watchdog 2.0 s)", why);
        w.Feed();
        Assert.False(w.IsExpired(out _));
    }

    [Fact]
    public void A_reported_loss_expires_at_once_until_the_next_heartbeat()
    {
        var w = new Watchdog(TimeSpan.FromMinutes(1), new FakeTimeProvider());
        w.ReportLost("twin service 'twin-service' reported offline");
        Assert.True(w.IsExpired(out string why));
        Assert.Equal("twin service 'twin-service' reported offline", why);
        w.Feed();
        Assert.False(w.IsExpired(out _));
    }

    [Fact]
    public void Restart_counts_silence_afresh_but_keeps_a_reported_loss()
    {
        var time = new FakeTimeProvider();
        var w = new Watchdog(TimeSpan.FromSeconds(2), time);
        time.Advance(TimeSpan.FromSeconds(5));
        w.Restart();
        Assert.False(w.IsExpired(out _));
        w.ReportLost("bus lost");
        w.Restart();
        Assert.True(w.IsExpired(out string why));
        Assert.Equal("bus lost", why);
    }

    [Fact]
    public void Timeout_must_be_positive() => Assert.Throws<ArgumentOutOfRangeException>(() => new Watchdog(TimeSpan.Zero));
}
