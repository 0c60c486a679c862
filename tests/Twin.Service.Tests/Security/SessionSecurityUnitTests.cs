using Twin.Service.Security;

namespace Twin.Service.Tests.Security;

/// <summary>The sign-in throttle's rule, signed-out sessions and security stamps, with a clock the test moves.</summary>
public sealed class SessionSecurityUnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-sessions-").FullName;
    private readonly ManualClock _clock = new();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void An_attacker_at_the_limit_does_not_lock_out_the_user_from_an_address_that_has_not_failed()
    {
        var throttle = new SignInThrottle(_clock);
        for (int i = 0; i < SignInThrottle.FailuresPerAddress; i++)
        {
            Assert.False(throttle.IsRefused("olga", "10.0.0.66"), $"attempt {i + 1} refused");
            throttle.Failed("olga", "10.0.0.66");
        }
        Assert.True(throttle.IsRefused("olga", "10.0.0.66"), "the attacker's address is closed for olga");
        Assert.False(throttle.IsRefused("olga", "10.0.0.7"), "olga's own workstation is still open");
        Assert.False(throttle.IsRefused("victor", "10.0.0.66"), "other names are limited per name");

        // spread over many addresses, the name reaches its limit: every address that failed is closed, a fresh one is not
        for (int a = 1; a <= SignInThrottle.FailuresPerName - SignInThrottle.FailuresPerAddress; a++) throttle.Failed("olga", $"10.0.1.{a}");
        Assert.True(throttle.IsRefused("olga", "10.0.1.1"));
        Assert.False(throttle.IsRefused("olga", "10.0.0.7"));
        // the user mistypes once from the workstation: that address has failed now, and the name is over its limit
        throttle.Failed("olga", "10.0.0.7");
        Assert.True(throttle.IsRefused("olga", "10.0.0.7"));

        _clock.Advance(SignInThrottle.Window);
        Assert.False(throttle.IsRefused("olga", "10.0.0.66"), "failures older than the window no longer count");
        Assert.False(throttle.IsRefused("olga", "10.0.0.7"));
    }

    [Fact]
    public void A_successful_sign_in_clears_the_failures_of_that_name_from_that_address()
    {
        var throttle = new SignInThrottle(_clock);
        for (int i = 0; i < SignInThrottle.FailuresPerAddress - 1; i++) throttle.Failed("olga", "10.0.0.7");
        throttle.Succeeded("olga", "10.0.0.7");
        throttle.Failed("olga", "10.0.0.7");
        Assert.False(throttle.IsRefused("olga", "10.0.0.7"));
        // a long name (a password pasted by mistake) is kept only cut to 64 characters and limited like any other
        string pasted = new('x', 500);
        for (int i = 0; i < SignInThrottle.FailuresPerAddress; i++) throttle.Failed(pasted, "10.0.0.9");
        Assert.True(throttle.IsRefused(pasted, "10.0.0.9"));
    }

    [Fact]
    public void A_signed_out_session_stays_revoked_across_a_reopen_until_it_would_have_expired()
    {
        using (var revoked = new SessionRevocations(_dir, _clock))
        {
            Assert.False(revoked.IsRevoked("s1"));
            revoked.Revoke("s1", _clock.GetUtcNow() + TimeSpan.FromHours(12));
            Assert.True(revoked.IsRevoked("s1"));
            Assert.False(revoked.IsRevoked("s2"));
        }
        using (var reopened = new SessionRevocations(_dir, _clock)) Assert.True(reopened.IsRevoked("s1"));
        _clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1));
        using (var later = new SessionRevocations(_dir, _clock)) Assert.False(later.IsRevoked("s1"));
    }

    [Fact]
    public void The_stamp_changes_with_the_role_and_the_password_hash()
    {
        var olga = new UserAccount("olga", TwinRoles.Operator, PasswordHashing.Hash("first-password"));
        Assert.Equal(SessionStamp.Of(olga), SessionStamp.Of(olga with { }));
        Assert.NotEqual(SessionStamp.Of(olga), SessionStamp.Of(olga with { Role = TwinRoles.Viewer }));
        Assert.NotEqual(SessionStamp.Of(olga), SessionStamp.Of(olga with { PasswordHash = PasswordHashing.Hash("first-password") }));
        Assert.NotEqual(SessionStamp.NewSessionId(), SessionStamp.NewSessionId());
    }
}
