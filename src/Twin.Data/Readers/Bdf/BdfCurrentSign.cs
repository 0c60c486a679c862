using System.Globalization;
using Twin.Core.Samples;

namespace Twin.Data.Readers.Bdf;

/// <summary>
/// Works out, per file, which sign a Battery Data Format file gives to charging current.
/// </summary>
/// <remarks>
/// <para>
/// The BDF column list names <c>Current / A</c> but the files in circulation do not agree on its sign.
/// The shipped sample (<c>samples/bdf-sample.csv</c>, from the cellpy test data) writes charging current
/// as NEGATIVE: every row whose <c>Step Type / 1</c> is "charge" has <c>Current / A</c> = -0.00606,
/// -0.0606 or -0.1211 A, and on those rows the voltage rises (2.82 V to 3.59 V in cycle 1, step 3) and
/// only <c>Charge Capacity / Ah</c> grows; every "discharge" row has a positive current, falling voltage
/// and a growing <c>Discharge Capacity / Ah</c>. Other producers write positive-on-charge, the
/// convention of this product.
/// </para>
/// <para>
/// So the sign is decided by evidence from the file itself: the first row with a non-zero current that
/// also says which way it goes - a step type of charge or discharge, or else a growing charge or
/// discharge capacity - fixes the factor (+1 or -1) for the whole file. Until then (rest rows, files
/// with neither column) positive-on-charge is assumed. The decision is written to
/// <see cref="ReadDiagnostics.Notes"/>.
/// </para>
/// </remarks>
internal sealed class BdfCurrentSign
{
    private bool _decided;

    /// <summary>Multiply the file's current by this to get current positive on charge.</summary>
    public double Factor { get; private set; } = 1;

    /// <summary>Looks at one accepted row for evidence, until the sign is decided.</summary>
    /// <param name="rawCurrent">The current as written in the file, in A.</param>
    /// <param name="kind">The declared step kind.</param>
    /// <param name="chargeGrew">The charge capacity grew since the previous row of the same segment.</param>
    /// <param name="dischargeGrew">The discharge capacity grew since the previous row of the same segment.</param>
    /// <param name="line">Line number, for the note.</param>
    /// <param name="diagnostics">Where the decision is recorded.</param>
    public void Observe(double rawCurrent, StepKind kind, bool chargeGrew, bool dischargeGrew, long line, ReadDiagnostics diagnostics)
    {
        if (_decided || rawCurrent == 0 || double.IsNaN(rawCurrent))
        {
            return;
        }

        bool charging;
        string evidence;
        if (kind is StepKind.Charge or StepKind.Discharge)
        {
            charging = kind == StepKind.Charge;
            evidence = $"step type '{(charging ? "charge" : "discharge")}'";
        }
        else if (chargeGrew != dischargeGrew)
        {
            charging = chargeGrew;
            evidence = charging ? "the charge capacity growing" : "the discharge capacity growing";
        }
        else
        {
            return;
        }

        _decided = true;
        bool positiveOnCharge = (rawCurrent > 0) == charging;
        Factor = positiveOnCharge ? 1 : -1;
        string value = rawCurrent.ToString("G6", CultureInfo.InvariantCulture);
        diagnostics.AddNote(positiveOnCharge
            ? $"current sign: the file writes charging current as positive (line {line}: {evidence} with Current = {value} A); used as is"
            : $"current sign: the file writes charging current as negative (line {line}: {evidence} with Current = {value} A); every current is negated so that charge is positive");
    }
}
