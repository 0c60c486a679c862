using Twin.Core.Samples;

namespace Twin.Drivers.Triggers;

/// <summary>
/// The part of a pulse trigger's acquisition after the leading edge, the same for every pulse trigger: with a paired
/// folder the detector pipeline's file (its metadata, the pulse's times); without, a wait until the exposure has
/// really ended and the record from the fixed metadata. The record's start is the leading edge, its end start + exposure.
/// </summary>
internal static class PulseAcquisition
{
    /// <summary>Completes an acquisition whose pulse started at <paramref name="startNs"/>.</summary>
    /// <param name="patternId">Pattern id.</param>
    /// <param name="exposureS">Exposure, s.</param>
    /// <param name="startNs">Time of the leading edge, ns since the Unix epoch.</param>
    /// <param name="files">The paired folder, or null.</param>
    /// <param name="options">Fixed metadata.</param>
    /// <param name="time">Clock of the wait.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The record.</returns>
    public static async Task<AcquiredPattern> CompleteAsync(string patternId, double exposureS, long startNs, WatchedFolderTrigger? files,
        PulseTriggerOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        long endNs = startNs + (long)Math.Round(exposureS * 1e9);
        if (files is not null)
        {
            var file = await files.AcquireAsync(patternId, exposureS, cancellationToken).ConfigureAwait(false);
            return file with
            {
                StartUnixNs = startNs,
                EndUnixNs = endNs,
                ExposureS = exposureS,
                WavelengthA = file.WavelengthA ?? options.WavelengthA,
                EnergyKeV = file.EnergyKeV ?? options.EnergyKeV,
            };
        }
        // timers may fire early against the wall clock: wait again until the exposure's end has really passed
        long remainingNs;
        while ((remainingNs = endNs - UnixTime.ToUnixNs(time.GetUtcNow())) > 0)
        {
            if (remainingNs > 1_000_000) await Task.Delay(TimeSpan.FromTicks(remainingNs / 100), time, cancellationToken).ConfigureAwait(false);
            else Thread.Yield();
        }
        return new AcquiredPattern(patternId, startNs, endNs, exposureS, options.WavelengthA, options.EnergyKeV,
            options.TwoThetaMinDeg, options.TwoThetaMaxDeg, options.Detector, options.UriTemplate.Replace("{id}", patternId, StringComparison.Ordinal));
    }
}
