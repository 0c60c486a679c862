using Twin.Core.Samples;
using Twin.Drivers.Protocol;

namespace Twin.Drivers.Experiment;

/// <summary>A protocol step resolved to instrument setpoints (C-rates turned into amperes, signs applied).</summary>
/// <param name="Scheduled">The step and its place in the protocol.</param>
/// <param name="CurrentA">Galvanostatic current, A, positive = charge (rest: 0); null for a hold.</param>
/// <param name="HoldVoltageV">Potentiostatic voltage, V, for a hold; else null.</param>
/// <param name="SamplePeriodS">Sampling period, experiment seconds.</param>
/// <param name="Charging">Whether the step delithiates the cathode (charge, or a hold above the open-circuit voltage).</param>
public sealed record StepPlan(ScheduledStep Scheduled, double? CurrentA, double? HoldVoltageV, double SamplePeriodS, bool Charging)
{
    /// <summary>The protocol step.</summary>
    public ProtocolStep Step => Scheduled.Step;

    /// <summary>Telemetry step kind.</summary>
    public StepKind Kind => Step.Action switch
    {
        ProtocolAction.Charge => StepKind.Charge,
        ProtocolAction.Discharge => StepKind.Discharge,
        ProtocolAction.Rest => StepKind.Rest,
        _ => Charging ? StepKind.Charge : StepKind.Discharge,
    };

    /// <summary>Resolves a step.</summary>
    /// <param name="scheduled">The step.</param>
    /// <param name="nominalCapacityAh">1C in amperes.</param>
    /// <param name="defaultPeriodS">Period when the step gives none.</param>
    /// <param name="lastVoltageV">Last measured voltage (decides whether a hold charges), or NaN.</param>
    public static StepPlan Resolve(ScheduledStep scheduled, double nominalCapacityAh, double defaultPeriodS, double lastVoltageV)
    {
        var s = scheduled.Step;
        double period = s.SamplePeriodS ?? defaultPeriodS;
        double Amps(StepSetpoint sp) => sp.Unit == LimitKind.CRate ? sp.Value * nominalCapacityAh : sp.Value;
        return s.Action switch
        {
            ProtocolAction.Rest => new StepPlan(scheduled, 0, null, period, false),
            ProtocolAction.Charge => new StepPlan(scheduled, Amps(s.Setpoint!), null, period, true),
            ProtocolAction.Discharge => new StepPlan(scheduled, -Amps(s.Setpoint!), null, period, false),
            _ => new StepPlan(scheduled, null, s.Setpoint!.Value, period, double.IsNaN(lastVoltageV) || s.Setpoint.Value >= lastVoltageV),
        };
    }
}
