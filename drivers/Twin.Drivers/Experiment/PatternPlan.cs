using Twin.Drivers.Triggers;

namespace Twin.Drivers.Experiment;

/// <summary>Diffraction acquisitions during a run: when (schedule), how (trigger), how long (exposure).</summary>
/// <param name="Trigger">The diffractometer trigger (opened by the runner).</param>
/// <param name="Schedule">When to acquire: by lithium content and/or by experiment time.</param>
/// <param name="ExposureS">Exposure per pattern, experiment seconds.</param>
/// <param name="IdPrefix">Pattern ids are <c>{IdPrefix}-{start}-{n:D5}</c>, start being the run's first reading (UTC,
/// <c>yyyyMMddTHHmmss</c>), so a restarted run never reuses an id of the run before.</param>
public sealed record PatternPlan(IDiffractometerTrigger Trigger, PatternSchedule Schedule, double ExposureS, string IdPrefix = "p");
