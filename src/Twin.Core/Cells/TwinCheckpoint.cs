using System.Text.Json.Serialization;
using Twin.Core.Estimation;
using Twin.Core.Lithium;
using Twin.Core.Safety;

namespace Twin.Core.Cells;

/// <summary>A cell twin's complete state, enough to resume exactly after a restart.</summary>
/// <param name="CellId">Cell the state belongs to.</param>
/// <param name="Material">Material name.</param>
/// <param name="Estimator">Lithium estimator state.</param>
/// <param name="Zone">Zone at the last sample.</param>
/// <param name="ChargeSeenInCycle">Cycle bookkeeping: a charge sample was seen in the present cycle.</param>
/// <param name="DischargeSeenInCycle">Cycle bookkeeping: a discharge sample was seen in the present cycle.</param>
/// <param name="RateCLiPerS">Smoothed dc_Li/dt, 1/s.</param>
/// <param name="LastCLi">c_Li at the last sample.</param>
/// <param name="LastEpsAniso">ε_aniso at the last sample.</param>
/// <param name="Cycles">Metrics of every cycle so far, the last one open.</param>
/// <param name="Filter">The c_Li filter's mean and covariance; null in checkpoints written before the filter existed
/// (the twin then resumes with the covariance of the priors, see <see cref="CellTwin(CellConfig, TwinCheckpoint)"/>).</param>
public sealed record TwinCheckpoint(
    string CellId,
    string Material,
    EstimatorState Estimator,
    Zone Zone,
    bool ChargeSeenInCycle,
    bool DischargeSeenInCycle,
    double RateCLiPerS,
    double LastCLi,
    double LastEpsAniso,
    List<CycleMetrics> Cycles,
    LithiumFilterState? Filter = null);

/// <summary>System.Text.Json source-generated serializer for twin state (NaN and ±∞ allowed as named literals).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, WriteIndented = false)]
[JsonSerializable(typeof(TwinCheckpoint))]
[JsonSerializable(typeof(EstimatorState))]
[JsonSerializable(typeof(LithiumFilterState))]
public sealed partial class TwinJsonContext : JsonSerializerContext;
