using BenchmarkDotNet.Attributes;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Security;

namespace Twin.Benchmarks;

/// <summary>
/// Cost of the bus signatures per message: signing a twin state (what <c>twin serve</c> adds to every state it
/// publishes) and verifying it (what a driver adds to every state and command it receives), for a typical state
/// payload (≈ 600 bytes of JSON).
/// </summary>
[MemoryDiagnoser]
public class MessageSignatureBenchmark
{
    private MessageSigner _signer = null!;
    private MessageVerifier _verifier = null!;
    private BusMessage _state = null!;
    private BusMessage _signed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = new MessageKey("twin-bench", SignerRole.Twin, MessageKey.NewSecret());
        _signer = new MessageSigner(key);
        _verifier = new MessageVerifier(new KeyRing([key]), TimeSpan.FromHours(1));
        _state = new BusMessage(TwinTopics.State("id31", "coin-1"), TwinPayloads.Serialize(new TwinStatePayload
        {
            Site = "id31", Cell = "coin-1", Material = "NMC811", TimeUnixNs = 1_740_000_000_000_000_000, Seq = 123_456, CLi = 0.4321, ChargeAh = 0.00512,
            VoltageV = 4.0123, CurrentA = 0.00124, AA = 2.8312, CA = 14.4123, DIlA = 4.8041, VolumeA3 = 100.12, EpsA = 1.2e-4, EpsC = 3.4e-3, EpsAniso = 5.6e-4,
            Zone = "caution", Cycle = 3, Step = 2, TimeToCriticalS = 1234.5, Cutoff = "continue", RecommendedCutoffV = 4.05,
        }), Retain: true);
        _signed = _signer.Sign(_state);
    }

    [Benchmark(Description = "sign a twin state")]
    public BusMessage Sign() => _signer.Sign(_state);

    [Benchmark(Description = "verify a twin state's signature")]
    public bool VerifySignature() => _verifier.VerifySignature(_signed).Accepted;

    [Benchmark(Description = "sign + verify with freshness and replay check")]
    public bool SignAndVerify() => _verifier.Verify(_signer.Sign(_state)).Accepted;
}
