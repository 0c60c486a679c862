using System.Globalization;
using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Diffraction;

/// <summary>
/// A simulated trigger box in front of a <see cref="SimulatedDiffractometer"/>, speaking the trigger line protocol of
/// the driver (<c>Twin.Drivers.Triggers.TriggerProtocol</c>): <c>*IDN?</c>; <c>TRIG &lt;id&gt; &lt;exposure_s&gt;</c> →
/// <c>ACK &lt;id&gt;</c>, then <c>DONE &lt;id&gt; &lt;start_unix_ns&gt; &lt;end_unix_ns&gt; wavelength_A=… energy_keV=…
/// tth_min=… tth_max=… detector=… uri=… exposure_s=…</c> when the exposure ends (what a real box knows: nothing of the
/// cell's lithium content), or <c>ERR &lt;id&gt; &lt;text&gt;</c>
/// (<c>ERR &lt;id&gt; busy</c> while an exposure runs); anything else → <c>ERR - &lt;text&gt;</c>.
/// Serve it with <see cref="LineServer"/> (TCP) and <see cref="PtyBridge"/> (pseudo-terminal).
/// </summary>
/// <remarks>
/// The exposure belongs to the box, not to the connection: it finishes even when the client disconnects (the DONE line
/// is then lost). Disposing the box aborts a running exposure.
/// </remarks>
public sealed class TriggerBoxSimulator : ILineDevice, IDisposable
{
    private readonly SimulatedDiffractometer _diffractometer;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;
    private bool _running;
    private long _completed;

    /// <summary>Creates the box.</summary>
    /// <param name="diffractometer">The diffractometer it triggers.</param>
    /// <param name="identification">Answer to <c>*IDN?</c>.</param>
    public TriggerBoxSimulator(SimulatedDiffractometer diffractometer, string identification = "Twin,SimTriggerBox,0,1.0")
    {
        ArgumentNullException.ThrowIfNull(diffractometer);
        _diffractometer = diffractometer;
        Identification = identification;
    }

    /// <inheritdoc />
    public string Name => "trigger-box";

    /// <summary>Answer to <c>*IDN?</c>.</summary>
    public string Identification { get; }

    /// <summary>The diffractometer behind the box.</summary>
    public SimulatedDiffractometer Diffractometer => _diffractometer;

    /// <summary>Exposures finished with a DONE line sent (or attempted).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>The last exposure started (completed when none is running); it never faults.</summary>
    public Task CurrentExposure
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>The record of the last finished exposure, or null.</summary>
    public DiffractionExposure? LastExposure { get; private set; }

    /// <inheritdoc />
    public async ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken)
    {
        string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length == 0) return;
        if (t[0].Equals("*IDN?", StringComparison.OrdinalIgnoreCase) && t.Length == 1)
        {
            await reply.SendLineAsync(Identification, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!t[0].Equals("TRIG", StringComparison.Ordinal))
        {
            await reply.SendLineAsync($"ERR - unknown command '{Clip(t[0])}': expected *IDN? or TRIG <id> <exposure_s>", cancellationToken).ConfigureAwait(false);
            return;
        }
        string id = t.Length >= 2 && SimulatedDiffractometer.IsValidId(t[1]) ? t[1] : "-";
        if (t.Length != 3 || id == "-")
        {
            await reply.SendLineAsync($"ERR {id} usage: TRIG <id> <exposure_s>, id of 1-64 [A-Za-z0-9_.-]", cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!double.TryParse(t[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double exposure) || !(exposure > 0 && exposure <= 86400))
        {
            await reply.SendLineAsync($"ERR {id} exposure '{Clip(t[2])}' must be a number of seconds in (0, 86400]", cancellationToken).ConfigureAwait(false);
            return;
        }
        TaskCompletionSource? acked = null;
        lock (_gate)
        {
            if (!_running && !_diffractometer.IsBusy)
            {
                _running = true;
                // The exposure waits for the ACK to be sent so DONE can never overtake it.
                acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _current = RunAsync(id, exposure, reply, acked.Task);
            }
        }
        if (acked is null)
        {
            await reply.SendLineAsync($"ERR {id} busy", cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await reply.SendLineAsync($"ACK {id}", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            acked.TrySetResult();
        }
    }

    /// <inheritdoc />
    public void OnDisconnected()
    {
        // The exposure is the box's; nothing per connection to clear.
    }

    /// <summary>Aborts a running exposure.</summary>
    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private async Task RunAsync(string id, double exposureS, ILineReplySink reply, Task acked)
    {
        await Task.Yield();
        string line;
        try
        {
            var e = await _diffractometer.ExposeAsync(id, exposureS, _lifetime.Token).ConfigureAwait(false);
            LastExposure = e;
            var ci = CultureInfo.InvariantCulture;
            line = string.Create(ci,
                $"DONE {id} {e.StartUnixNs} {e.EndUnixNs} wavelength_A={e.WavelengthA:R} energy_keV={e.EnergyKeV:R} tth_min={e.TwoThetaMinDeg:R} tth_max={e.TwoThetaMaxDeg:R} detector={e.Detector.Replace(' ', '_')} uri={e.Uri} exposure_s={e.ExposureS:R}");
        }
        catch (OperationCanceledException)
        {
            lock (_gate) _running = false;
            return;
        }
        catch (Exception e)
        {
            line = $"ERR {id} {OneLine(e.Message)}";
        }
        await acked.ConfigureAwait(false);
        lock (_gate) _running = false; // free before DONE goes out: a client may trigger again on receipt
        try
        {
            await reply.SendLineAsync(line, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // client gone: the DONE line is lost, as with a real box
        }
        Interlocked.Increment(ref _completed);
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    private static string Clip(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
