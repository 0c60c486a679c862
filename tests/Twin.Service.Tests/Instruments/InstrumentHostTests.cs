using System.Text;
using Twin.Drivers.Experiment;
using Twin.Messaging.Security;
using Twin.Testing;

namespace Twin.Service.Tests.Instruments;

/// <summary>
/// The driver host with the keys of a signed experiment: commands are verified (the role comes from the key, never
/// from the payload), then checked against the permissions and the hard limits, and answered; what cannot be verified
/// is refused, counted and reported.
/// </summary>
public class InstrumentHostTests
{
    private const string TwoRests = """
        Rest for 1 hour (10 second period)
        Rest for 1 hour (10 second period)
        """;

    [Fact]
    public async Task Signed_commands_are_checked_against_permissions_and_hard_limits_and_answered()
    {
        await using var rig = await HostRig.StartAsync(TwoRests);

        // the payload claims "operator", but a twin key signed it: the key decides
        var twinClaimsOperator = await rig.SendAsync(rig.Twin.Sign(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"mallory","role":"operator","value":4.0}""", out _)));
        Assert.False(twinClaimsOperator.Accepted);
        Assert.Contains("role 'twin' may not send 'set-safe-cutoff'; allowed: operator", twinClaimsOperator.Message);

        var beyond = await rig.SendAsync(rig.Operator.Sign(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"alice","role":"operator","value":4.5}""", out _)));
        Assert.False(beyond.Accepted);
        Assert.Contains("within the hard window 2–4.25 V", beyond.Message);
        Assert.Equal(4.1, rig.Host.Runner.SafeCutoffV);

        // the payload says "viewer"; an operator key signed it, so it is an operator's command
        var ok = await rig.SendAsync(rig.Operator.Sign(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"alice","role":"viewer","value":4.05}""", out _)));
        Assert.True(ok.Accepted, ok.Message);
        Assert.Contains("operator 'alice' (key ops-1)", ok.Message);
        Assert.Equal(4.05, rig.Host.Runner.SafeCutoffV);

        var malformed = await rig.SendAsync(rig.Operator.Sign(HostRig.Command("abort", """{"schema":1,"role":"operator"}""", out _)));
        Assert.False(malformed.Accepted);
        Assert.Contains("issuer is missing", malformed.Message);

        var unknown = await rig.SendAsync(rig.Operator.Sign(HostRig.Command("format-disk", """{"schema":1,"issuer":"alice","role":"operator"}""", out _)));
        Assert.False(unknown.Accepted);

        var twinEnd = await rig.SendAsync(rig.Twin.Sign(HostRig.Command("end-step", """{"schema":1,"issuer":"twin-service","role":"twin","reason":"test"}""", out _)));
        Assert.True(twinEnd.Accepted, twinEnd.Message);
        await Wait.UntilAsync(() => rig.Host.Runner.Status.Step >= 2, "the second step", observed: () => rig.EventText);

        var abort = await rig.SendAsync(rig.Operator.Sign(HostRig.Command("abort", """{"schema":1,"issuer":"alice","role":"operator","reason":"end of beamtime"}""", out _)));
        Assert.True(abort.Accepted);
        var result = await rig.Run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RunOutcome.Aborted, result.Outcome);
        Assert.Contains("operator 'alice' (key ops-1): end of beamtime", result.Message);
        Assert.True(result.OutputOffConfirmed);
        Assert.Equal(Twin.FirmwareSim.Cell.SourceMode.Off, rig.Sim.Bench.Setting.Mode);
        Assert.Equal(0, rig.Host.RefusedMessages);
    }

    [Fact]
    public async Task Unsigned_forged_and_replayed_commands_change_nothing_and_are_answered_refused()
    {
        await using var rig = await HostRig.StartAsync(TwoRests);

        // what an anonymous MQTT client did before: abort as "operator", end the step as "twin"
        var anonymousAbort = await rig.SendAsync(HostRig.Command("abort", """{"schema":1,"issuer":"mallory","role":"operator"}""", out _));
        Assert.False(anonymousAbort.Accepted);
        Assert.StartsWith("not authenticated: no signature", anonymousAbort.Message);
        var anonymousEnd = await rig.SendAsync(HostRig.Command("end-step", """{"schema":1,"issuer":"mallory","role":"twin"}""", out _));
        Assert.False(anonymousEnd.Accepted);

        // a key id that exists, signed with a guessed secret
        var guessed = new MessageSigner(new MessageKey(HostRig.OperatorKey.Id, SignerRole.Operator, MessageKey.NewSecret()));
        var forged = await rig.SendAsync(guessed.Sign(HostRig.Command("abort", """{"schema":1,"issuer":"mallory","role":"operator"}""", out _)));
        Assert.Contains("signature does not match key 'ops-1'", forged.Message);

        // a genuine command, captured and sent again
        var genuine = rig.Operator.Sign(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"alice","role":"operator","value":4.0}""", out _));
        Assert.True((await rig.SendAsync(genuine)).Accepted);
        var replay = await rig.SendAsync(genuine);
        Assert.False(replay.Accepted);
        Assert.Contains("(a replay)", replay.Message);
        var redirected = await rig.SendAsync(genuine with { CorrelationData = Encoding.UTF8.GetBytes("other") });
        Assert.Contains("signature does not match key 'ops-1'", redirected.Message);

        // a genuine signature that is too old (signed on a clock 2 minutes behind)
        var old = new MessageSigner(HostRig.OperatorKey, new ShiftedClock(TimeSpan.FromMinutes(-2)));
        var stale = await rig.SendAsync(old.Sign(HostRig.Command("end-step", """{"schema":1,"issuer":"alice","role":"operator"}""", out _)));
        Assert.Contains("more than the freshness window of 30 s", stale.Message);

        Assert.Equal(1, rig.Host.Runner.Status.Step);
        Assert.False(rig.Run.IsCompleted);
        Assert.Equal(6, rig.Host.RefusedMessages);
        Assert.Contains(rig.Events, e => e.Kind == RunnerEventKinds.Command && e.Message.StartsWith("refused command 'abort'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forged_stale_and_wrong_key_twin_states_are_refused_and_do_not_end_the_charge()
    {
        await using var rig = await HostRig.StartAsync("Charge at C/5 until 4.2 V (10 second period)");
        var forged = new[]
        {
            HostRig.State(0.30, "stop_lithium"),                                                          // unsigned
            rig.Operator.Sign(HostRig.State(0.30, "stop_lithium")),                                       // signed, but not by the twin
            new MessageSigner(HostRig.TwinKey, new ShiftedClock(TimeSpan.FromMinutes(-5))).Sign(HostRig.State(0.30, "stop_lithium")), // an old genuine state
        };
        foreach (var m in forged) await rig.Bus.PublishAsync(m);
        await Wait.UntilAsync(() => rig.Host.RefusedMessages == 3, "three refused twin states", observed: () => rig.EventText);
        long samples = rig.Host.Runner.Status.Samples;
        // a forged decision would end the charge at the next sample; two samples later it is still running
        await Wait.UntilAsync(() => rig.Host.Runner.Status.Samples >= samples + 2, "two more samples", observed: () => rig.EventText);
        Assert.Equal(1, rig.Host.Runner.Status.Step);
        Assert.DoesNotContain(rig.Events, e => e.Kind == RunnerEventKinds.StepEnd);
        var refusal = Assert.Single(rig.Events, e => e.Kind == RunnerEventKinds.Link && e.Message.StartsWith("refused twin state", StringComparison.Ordinal));
        Assert.Contains("no signature", refusal.Message); // the first one is reported at once, the others counted

        // the twin's own signed decision is believed
        await rig.Bus.PublishAsync(rig.Twin.Sign(HostRig.State(0.4195, "stop_lithium")));
        await Wait.UntilAsync(() => rig.Run.IsCompleted, "the charge to end", observed: () => rig.EventText);
        Assert.Contains(rig.Events, e => e.Kind == RunnerEventKinds.StepEnd && e.Message.Contains("c_Li 0.4195: the twin's lithium cut-off"));
        Assert.Equal(3, rig.Host.RefusedMessages);
    }

    [Fact]
    public async Task Only_the_offline_status_of_the_service_session_seen_online_fires_the_watchdog()
    {
        await using var rig = await HostRig.StartAsync(TwoRests);
        await rig.Bus.PublishAsync(rig.Twin.Sign(HostRig.Status("online")));
        var earlierSession = new MessageSigner(HostRig.TwinKey); // e.g. the last will of the service's previous run
        await rig.Bus.PublishAsync(earlierSession.Sign(HostRig.Status("offline")));
        await rig.Bus.PublishAsync(HostRig.Status("offline"));
        await Wait.UntilAsync(() => rig.Host.RefusedMessages == 2, "two refused statuses", observed: () => rig.EventText);
        Assert.False(rig.Host.Runner.Watchdog.IsExpired(out _));

        await rig.Bus.PublishAsync(rig.Twin.Sign(HostRig.Status("offline")));
        string why = "";
        await Wait.UntilAsync(() => rig.Host.Runner.Watchdog.IsExpired(out why), "the watchdog to fire", observed: () => rig.EventText);
        Assert.Contains("reported offline", why);
        Assert.Contains(rig.Events, e => e.Message.Contains("of session " + earlierSession.SessionId) && e.Message.Contains("an old last will?"));
    }

    [Fact]
    public async Task Without_keys_the_host_believes_the_payload_role_and_says_it_is_unauthenticated()
    {
        await using var rig = await HostRig.StartAsync(TwoRests, signed: false);
        var viewer = await rig.SendAsync(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"bob","role":"viewer","value":4.0}""", out _));
        Assert.Contains("role 'viewer' may not send 'set-safe-cutoff'", viewer.Message);
        var op = await rig.SendAsync(HostRig.Command("set-safe-cutoff", """{"schema":1,"issuer":"bob","role":"operator","value":4.0}""", out _));
        Assert.True(op.Accepted);
        Assert.Contains(rig.Events, e => e.Message.Contains("twin states and commands are not authenticated"));
    }
}
