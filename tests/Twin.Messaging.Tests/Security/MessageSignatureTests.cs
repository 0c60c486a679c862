using System.Text;
using Microsoft.Extensions.Time.Testing;
using Twin.Messaging.Bus;
using Twin.Messaging.Security;

namespace Twin.Messaging.Tests.Security;

/// <summary>Signing and verifying bus messages: what the MAC covers, roles from keys, replay and freshness.</summary>
public class MessageSignatureTests
{
    private const string State = "twin/v1/lab/c1/state";
    private static readonly MessageKey Twin = new("twin-1", SignerRole.Twin, Secret(1));
    private static readonly MessageKey Operator = new("ops-1", SignerRole.Operator, Secret(2));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static byte[] Secret(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private MessageVerifier Verifier() => new(new KeyRing([Twin, Operator]), TimeSpan.FromSeconds(30), _clock);

    private static BusMessage Msg(string json, string topic = State) => new(topic, Encoding.UTF8.GetBytes(json), Retain: true);

    [Fact]
    public void A_signed_message_verifies_and_proves_the_role_of_its_key()
    {
        var signed = new MessageSigner(Twin, _clock).Sign(Msg("""{"c_li":0.5}"""));
        var r = Verifier().Verify(signed, [SignerRole.Twin]);
        Assert.True(r.Accepted, r.Detail);
        Assert.Equal(SignerRole.Twin, r.Role);
        Assert.Equal("twin-1", r.Key!.Id);
        Assert.Equal(4, signed.UserProperties.Count);
        Assert.Equal(44, signed.UserProperties.Single(p => p.Key == MessageSignature.SignatureProperty).Value.Length);
    }

    [Fact]
    public void Changing_payload_topic_response_topic_correlation_timestamp_or_key_id_breaks_the_signature()
    {
        var signed = new MessageSigner(Twin, _clock).Sign(Msg("""{"c_li":0.5}""") with { ResponseTopic = "r/1", CorrelationData = new byte[] { 1, 2 } });
        var tampered = new[]
        {
            signed with { Payload = Encoding.UTF8.GetBytes("""{"c_li":0.9}""") },
            signed with { Topic = "twin/v1/lab/c2/state" },
            signed with { ResponseTopic = "r/2" },
            signed with { CorrelationData = new byte[] { 1, 3 } },
            WithProperty(signed, MessageSignature.TimestampProperty, v => (long.Parse(v) + 1).ToString()),
            WithProperty(signed, MessageSignature.SessionProperty, _ => "0000000000000000"),
            WithProperty(signed, MessageSignature.KeyIdProperty, _ => "ops-1"),
        };
        foreach (var m in tampered)
        {
            var r = Verifier().Verify(m);
            Assert.Equal(RefusalReason.BadSignature, r.Reason);
        }
        Assert.True(Verifier().Verify(signed).Accepted);
    }

    [Fact]
    public void Unsigned_unknown_key_malformed_and_wrong_role_are_refused_with_the_reason()
    {
        var v = Verifier();
        Assert.Equal(RefusalReason.Unsigned, v.Verify(Msg("{}")).Reason);
        var stranger = new MessageSigner(new MessageKey("twin-9", SignerRole.Twin, Secret(9)), _clock).Sign(Msg("{}"));
        var unknown = v.Verify(stranger);
        Assert.Equal(RefusalReason.UnknownKey, unknown.Reason);
        Assert.Contains("'twin-9'", unknown.Detail);
        // an attacker who knows the key id of the twin but not its secret
        var forged = new MessageSigner(new MessageKey("twin-1", SignerRole.Twin, Secret(7)), _clock).Sign(Msg("{}"));
        Assert.Equal(RefusalReason.BadSignature, v.Verify(forged).Reason);
        var bad = WithProperty(new MessageSigner(Twin, _clock).Sign(Msg("{}")), MessageSignature.SignatureProperty, _ => "not base64!");
        Assert.Equal(RefusalReason.Malformed, v.Verify(bad).Reason);
        var doubled = new MessageSigner(Twin, _clock).Sign(Msg("{}"));
        doubled = doubled with { UserProperties = [.. doubled.UserProperties, new(MessageSignature.KeyIdProperty, "twin-1")] };
        Assert.Equal(RefusalReason.Malformed, v.Verify(doubled).Reason);
        // an operator key cannot sign a twin state
        var byOperator = v.Verify(new MessageSigner(Operator, _clock).Sign(Msg("{}")), [SignerRole.Twin]);
        Assert.Equal(RefusalReason.WrongRole, byOperator.Reason);
        Assert.Contains("needs twin", byOperator.Detail);
    }

    [Fact]
    public void A_replayed_message_is_refused_and_only_strictly_newer_ones_pass_per_key_and_topic()
    {
        var signer = new MessageSigner(Twin, _clock);
        var v = Verifier();
        var first = signer.Sign(Msg("""{"n":1}"""));
        var second = signer.Sign(Msg("""{"n":2}"""));
        var elsewhere = signer.Sign(Msg("""{"n":1}""", "twin/v1/lab/c2/state"));
        Assert.True(v.Verify(second).Accepted);
        Assert.Equal(RefusalReason.Replayed, v.Verify(second).Reason);
        Assert.Equal(RefusalReason.Replayed, v.Verify(first).Reason); // older than one already accepted
        Assert.True(v.Verify(elsewhere).Accepted); // another topic has its own counter
        // signatures made within the same clock tick still increase strictly
        Assert.True(Timestamp(first) < Timestamp(second));
    }

    [Fact]
    public void An_old_retained_message_is_refused_as_stale_and_a_future_one_as_from_the_future()
    {
        var signed = new MessageSigner(Twin, _clock).Sign(Msg("{}"));
        _clock.Advance(TimeSpan.FromSeconds(31));
        var stale = Verifier().Verify(signed);
        Assert.Equal(RefusalReason.Stale, stale.Reason);
        Assert.Contains("signed 31 s ago", stale.Detail);
        var future = new MessageSigner(Twin, new FakeTimeProvider(_clock.GetUtcNow().AddMinutes(5))).Sign(Msg("{}"));
        Assert.Equal(RefusalReason.FromTheFuture, Verifier().Verify(future).Reason);
        // within the window both pass
        Assert.True(Verifier().Verify(new MessageSigner(Twin, new FakeTimeProvider(_clock.GetUtcNow().AddSeconds(-29))).Sign(Msg("{}"))).Accepted);
    }

    [Fact]
    public void Keys_need_at_least_256_bits_and_a_plain_id_and_never_print_their_secret()
    {
        Assert.Throws<ArgumentException>(() => new MessageKey("k", SignerRole.Twin, new byte[31]));
        Assert.Throws<ArgumentException>(() => new MessageKey("k/1", SignerRole.Twin, Secret(1)));
        Assert.Equal("twin-1 (twin)", Twin.ToString());
        Assert.Throws<ArgumentException>(() => new KeyRing([Twin, new MessageKey("twin-1", SignerRole.Operator, Secret(3))]));
    }

    private static long Timestamp(BusMessage m) => long.Parse(m.UserProperties.Single(p => p.Key == MessageSignature.TimestampProperty).Value);

    private static BusMessage WithProperty(BusMessage m, string name, Func<string, string> change) =>
        m with { UserProperties = [.. m.UserProperties.Select(p => p.Key == name ? new KeyValuePair<string, string>(name, change(p.Value)) : p)] };
}
