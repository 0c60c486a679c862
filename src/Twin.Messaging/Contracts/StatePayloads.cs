using System.Text.Json.Serialization;

namespace Twin.Messaging.Contracts;

/// <summary>Payload of the retained <c>twin/v1/{site}/{cell}/state</c>: the twin's latest state.</summary>
public sealed record TwinStatePayload
{
    /// <summary>Schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;
    /// <summary>Site id.</summary>
    [JsonPropertyName("site")] public string Site { get; init; } = "";
    /// <summary>Cell id.</summary>
    [JsonPropertyName("cell")] public string Cell { get; init; } = "";
    /// <summary>Cathode material.</summary>
    [JsonPropertyName("material")] public string Material { get; init; } = "";
    /// <summary>Time of the last sample, ns since the Unix epoch.</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }
    /// <summary>Sequence number of the last sample applied.</summary>
    [JsonPropertyName("seq")] public long Seq { get; init; }
    /// <summary>Cathode lithium content: the estimator's c_Li (counting corrected by measurements).</summary>
    [JsonPropertyName("c_li")] public double CLi { get; init; }
    /// <summary>Standard deviation σ of <see cref="CLi"/>; absent in payloads of versions before the estimator.</summary>
    [JsonPropertyName("c_li_sigma")] public double? CLiSigma { get; init; }
    /// <summary>c_Li from charge counting alone (c_Li0 − Q/Q_Li with the configured values).</summary>
    [JsonPropertyName("c_li_counted")] public double? CLiCounted { get; init; }
    /// <summary>Lower confidence bound c_Li − k·σ (k = the cell's estimator setting, default 2).</summary>
    [JsonPropertyName("c_li_low")] public double? CLiLow { get; init; }
    /// <summary>c_Li,min the lithium cut-off acts on (it ends a charge when <see cref="CLiLow"/> reaches it); null when that cut-off is off.</summary>
    [JsonPropertyName("c_li_min")] public double? CLiMin { get; init; }
    /// <summary>The estimator's lithium capacity Q_Li, A·h (the configured value until measurements refine it).</summary>
    [JsonPropertyName("q_li_Ah")] public double? QLiAh { get; init; }
    /// <summary>Standard deviation of <see cref="QLiAh"/>, A·h.</summary>
    [JsonPropertyName("q_li_sigma_Ah")] public double? QLiSigmaAh { get; init; }
    /// <summary>True when c_Li lies outside [0, 1] by more than the estimator's out-of-range σ (default 3σ).</summary>
    [JsonPropertyName("c_li_out_of_range")] public bool CLiOutOfRange { get; init; }
    /// <summary>True when c_Li lies outside the lattice model's knots, so a, c and the strains are the model's end values.</summary>
    [JsonPropertyName("lattice_extrapolated")] public bool LatticeExtrapolated { get; init; }
    /// <summary>Net charge since the start, A·h, positive on charge.</summary>
    [JsonPropertyName("charge_Ah")] public double ChargeAh { get; init; }
    /// <summary>Voltage of the last sample, V.</summary>
    [JsonPropertyName("voltage_V")] public double VoltageV { get; init; }
    /// <summary>Current of the last sample, A.</summary>
    [JsonPropertyName("current_A")] public double CurrentA { get; init; }
    /// <summary>a = d_TM, Å.</summary>
    [JsonPropertyName("a_A")] public double AA { get; init; }
    /// <summary>c, Å.</summary>
    [JsonPropertyName("c_A")] public double CA { get; init; }
    /// <summary>d_IL = c/3, Å.</summary>
    [JsonPropertyName("d_il_A")] public double DIlA { get; init; }
    /// <summary>Unit-cell volume, Å³.</summary>
    [JsonPropertyName("volume_A3")] public double VolumeA3 { get; init; }
    /// <summary>Heterogeneity strain along a (paper eqn 1).</summary>
    [JsonPropertyName("eps_a")] public double EpsA { get; init; }
    /// <summary>Heterogeneity strain along c (paper eqn 1).</summary>
    [JsonPropertyName("eps_c")] public double EpsC { get; init; }
    /// <summary>Anisotropic strain (master curve).</summary>
    [JsonPropertyName("eps_aniso")] public double EpsAniso { get; init; }
    /// <summary>"safe", "caution", "critical" or "deep".</summary>
    [JsonPropertyName("zone")] public string Zone { get; init; } = "";
    /// <summary>Cycle counted by the twin.</summary>
    [JsonPropertyName("cycle")] public int Cycle { get; init; }
    /// <summary>The source's step.</summary>
    [JsonPropertyName("step")] public int Step { get; init; }
    /// <summary>Seconds until c_Li reaches the critical limit at the present rate; null when not falling.</summary>
    [JsonPropertyName("time_to_critical_s")] public double? TimeToCriticalS { get; init; }
    /// <summary>"continue", "stop_lithium" or "stop_voltage".</summary>
    [JsonPropertyName("cutoff")] public string Cutoff { get; init; } = "continue";
    /// <summary>Learned voltage cut-off, V; null until a charge reached c_Li,min.</summary>
    [JsonPropertyName("recommended_cutoff_V")] public double? RecommendedCutoffV { get; init; }
    /// <summary>Lowest c_Li of the present cycle.</summary>
    [JsonPropertyName("cycle_min_c_li")] public double CycleMinCLi { get; init; }
    /// <summary>Time below the critical limit in the present cycle, s.</summary>
    [JsonPropertyName("cycle_time_below_critical_s")] public double CycleTimeBelowCriticalS { get; init; }
    /// <summary>Anisotropic-strain dose of the present cycle, strain·s.</summary>
    [JsonPropertyName("cycle_strain_dose_s")] public double CycleStrainDoseS { get; init; }
}

/// <summary>One zone transition.</summary>
public sealed record ZoneTransitionPayload
{
    /// <summary>Time, ns since the Unix epoch.</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }
    /// <summary>Zone left.</summary>
    [JsonPropertyName("from")] public string From { get; init; } = "";
    /// <summary>Zone entered.</summary>
    [JsonPropertyName("to")] public string To { get; init; } = "";
    /// <summary>c_Li at the transition.</summary>
    [JsonPropertyName("c_li")] public double CLi { get; init; }
    /// <summary>Voltage at the transition, V.</summary>
    [JsonPropertyName("voltage_V")] public double VoltageV { get; init; }
    /// <summary>The source's step.</summary>
    [JsonPropertyName("step")] public int Step { get; init; }
}

/// <summary>Payload of the retained <c>twin/v1/{site}/{cell}/alarm</c>: current alarm state and the latest transitions.</summary>
public sealed record AlarmPayload
{
    /// <summary>Schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;
    /// <summary>Site id.</summary>
    [JsonPropertyName("site")] public string Site { get; init; } = "";
    /// <summary>Cell id.</summary>
    [JsonPropertyName("cell")] public string Cell { get; init; } = "";
    /// <summary>Zone now.</summary>
    [JsonPropertyName("zone")] public string Zone { get; init; } = "";
    /// <summary>True while the cell is critical or deep (outside the safe lithium window).</summary>
    [JsonPropertyName("active")] public bool Active { get; init; }
    /// <summary>Time of the state, ns since the Unix epoch.</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }
    /// <summary>Transitions since the service started watching the cell.</summary>
    [JsonPropertyName("transitions_total")] public long TransitionsTotal { get; init; }
    /// <summary>Id of the cell's alarm that needs attention (active, or cleared and not yet acknowledged); null when none.</summary>
    [JsonPropertyName("alarm_id")] public long? AlarmId { get; init; }
    /// <summary>True when that alarm was acknowledged; null when there is none.</summary>
    [JsonPropertyName("acknowledged")] public bool? Acknowledged { get; init; }
    /// <summary>Who acknowledged it, or null.</summary>
    [JsonPropertyName("acknowledged_by")] public string? AcknowledgedBy { get; init; }
    /// <summary>The most recent transitions, newest last (at most 20).</summary>
    [JsonPropertyName("recent")] public List<ZoneTransitionPayload> Recent { get; init; } = [];
}

/// <summary>Payload of the retained <c>twin/v1/{site}/status/{client}</c> (also the last will).</summary>
public sealed record StatusPayload
{
    /// <summary>Schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;
    /// <summary>Client id.</summary>
    [JsonPropertyName("client")] public string Client { get; init; } = "";
    /// <summary>"online" or "offline".</summary>
    [JsonPropertyName("state")] public string State { get; init; } = "online";
    /// <summary>Time, ns since the Unix epoch.</summary>
    [JsonPropertyName("time_unix_ns")] public long TimeUnixNs { get; init; }
}

/// <summary>Payload of <c>twin/v1/{site}/{cell}/pattern</c>: one diffraction pattern record.</summary>
public sealed record PatternRecord
{
    /// <summary>Schema version.</summary>
    [JsonPropertyName("schema")] public int Schema { get; init; } = TwinPayloads.SchemaVersion;
    /// <summary>Pattern id, unique per cell.</summary>
    [JsonPropertyName("pattern_id")] public string PatternId { get; init; } = "";
    /// <summary>Source sequence number.</summary>
    [JsonPropertyName("seq")] public long Seq { get; init; }
    /// <summary>Exposure start, ns since the Unix epoch.</summary>
    [JsonPropertyName("start_unix_ns")] public long StartUnixNs { get; init; }
    /// <summary>Exposure end, ns since the Unix epoch.</summary>
    [JsonPropertyName("end_unix_ns")] public long EndUnixNs { get; init; }
    /// <summary>Exposure, s.</summary>
    [JsonPropertyName("exposure_s")] public double ExposureS { get; init; }
    /// <summary>X-ray wavelength, Å (or give <see cref="EnergyKeV"/>).</summary>
    [JsonPropertyName("wavelength_A")] public double? WavelengthA { get; init; }
    /// <summary>Photon energy, keV (or give <see cref="WavelengthA"/>).</summary>
    [JsonPropertyName("energy_keV")] public double? EnergyKeV { get; init; }
    /// <summary>Lower end of the 2θ range, degrees.</summary>
    [JsonPropertyName("two_theta_min_deg")] public double TwoThetaMinDeg { get; init; }
    /// <summary>Upper end of the 2θ range, degrees.</summary>
    [JsonPropertyName("two_theta_max_deg")] public double TwoThetaMaxDeg { get; init; }
    /// <summary>Detector name.</summary>
    [JsonPropertyName("detector")] public string Detector { get; init; } = "";
    /// <summary>File path or URI of the pattern.</summary>
    [JsonPropertyName("uri")] public string Uri { get; init; } = "";
    /// <summary>The twin's c_Li at mid-exposure; filled by the twin service when the driver leaves it out.</summary>
    [JsonPropertyName("c_li_mid")] public double? CLiMid { get; init; }
    /// <summary>Lattice parameter a refined elsewhere (the beamline's Le Bail or Rietveld result), Å; optional.</summary>
    [JsonPropertyName("a_A")] public double? AA { get; init; }
    /// <summary>Lattice parameter c refined elsewhere, Å; optional.</summary>
    [JsonPropertyName("c_A")] public double? CA { get; init; }
    /// <summary>Standard uncertainty of <see cref="AA"/>, Å; optional, only with a_A.</summary>
    [JsonPropertyName("a_sigma_A")] public double? ASigmaA { get; init; }
    /// <summary>Standard uncertainty of <see cref="CA"/>, Å; optional, only with c_A.</summary>
    [JsonPropertyName("c_sigma_A")] public double? CSigmaA { get; init; }

    // Filled by the twin service in the record it stores (whatever a driver sends there is replaced).

    /// <summary>Where the stored a_A/c_A come from: "record" (given in the payload) or "fit" (fitted here from the file
    /// at <see cref="Uri"/>); null when no lattice was had. Filled by the twin service.</summary>
    [JsonPropertyName("lattice_source")] public string? LatticeSource { get; init; }
    /// <summary>c_Li from the measured lattice through the material's lattice model; null when not invertible. Filled by the twin service.</summary>
    [JsonPropertyName("c_li_lattice")] public double? CLiLattice { get; init; }
    /// <summary>Standard uncertainty of <see cref="CLiLattice"/> (fit and the model's systematic σ). Filled by the twin service.</summary>
    [JsonPropertyName("c_li_lattice_sigma")] public double? CLiLatticeSigma { get; init; }
    /// <summary>c_Li from charge counting alone at mid-exposure. Filled by the twin service.</summary>
    [JsonPropertyName("c_li_counted")] public double? CLiCounted { get; init; }
    /// <summary>The estimator's c_Li at the cell's last sample after the measurement was offered. Filled by the twin service.</summary>
    [JsonPropertyName("c_li_estimate")] public double? CLiEstimate { get; init; }
    /// <summary>σ of <see cref="CLiEstimate"/>. Filled by the twin service.</summary>
    [JsonPropertyName("c_li_estimate_sigma")] public double? CLiEstimateSigma { get; init; }
    /// <summary>(measured − predicted c_Li) / innovation σ, when the measurement was placed. Filled by the twin service.</summary>
    [JsonPropertyName("innovation_sigmas")] public double? InnovationSigmas { get; init; }
    /// <summary>How far the pattern got: "applied", "gated_inflated", "gated_rejected", "awaiting_samples", "too_old",
    /// "diverged", "not_invertible", "no_lattice", "unreadable", or a fit failure ("no_peak", "wavelength_missing", …).
    /// Filled by the twin service.</summary>
    [JsonPropertyName("fit_status")] public string? FitStatus { get; init; }
    /// <summary>One line saying why, with numbers (the fit, the inversion or the estimator's verdict). Filled by the twin service.</summary>
    [JsonPropertyName("fit_reason")] public string? FitReason { get; init; }
}
