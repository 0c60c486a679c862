using Twin.Drivers.Scpi;

namespace Twin.Drivers.Instruments;

/// <summary>What every SCPI source-meter driver does when it is disposed.</summary>
internal static class SourceMeterShutdown
{
    /// <summary>Turns the output off if it is on (best effort, 5 s), then closes the session.</summary>
    public static async ValueTask DisposeAsync(ISourceMeter smu, ScpiSession session)
    {
        try
        {
            if (smu.OutputOn)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await smu.OutputOffAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ScpiException or OperationCanceledException or IOException)
        {
            // The link is gone: the runner already reports that the output-off was not confirmed.
        }
        await session.DisposeAsync().ConfigureAwait(false);
    }
}
