using Twin.Core.Samples;
using Twin.Data.Readers.Text;

namespace Twin.Data.Readers.Formats;

/// <summary>Reads a step-type cell ("charge", "CC DChg", "CCCV Chg", "Rest", ...) as a <see cref="StepKind"/>, on bytes.</summary>
internal static class StepKindText
{
    /// <summary>
    /// Classifies a step-type text: anything naming a discharge ("discharge", "DChg", Chinese 放电) is a
    /// discharge, then anything naming a charge ("charge", "Chg", 充电) a charge, rest/pause/OCV (搁置,
    /// 静置) a rest; other text is <see cref="StepKind.Other"/> and an empty cell <see cref="StepKind.Unknown"/>.
    /// </summary>
    public static StepKind Classify(ReadOnlySpan<byte> text)
    {
        text = FieldText.Trim(text);
        if (text.IsEmpty)
        {
            return StepKind.Unknown;
        }

        // The common exact words first: these are what BDF and most exports write.
        if (FieldText.EqualsIgnoreCase(text, "charge"u8))
        {
            return StepKind.Charge;
        }

        if (FieldText.EqualsIgnoreCase(text, "discharge"u8))
        {
            return StepKind.Discharge;
        }

        if (FieldText.EqualsIgnoreCase(text, "rest"u8))
        {
            return StepKind.Rest;
        }

        if (FieldText.ContainsIgnoreCase(text, "dchg"u8) || FieldText.ContainsIgnoreCase(text, "discharge"u8)
            || FieldText.ContainsIgnoreCase(text, "dis_chg"u8) || text.IndexOf("放电"u8) >= 0)
        {
            return StepKind.Discharge;
        }

        if (FieldText.ContainsIgnoreCase(text, "chg"u8) || FieldText.ContainsIgnoreCase(text, "charge"u8) || text.IndexOf("充电"u8) >= 0)
        {
            return StepKind.Charge;
        }

        if (FieldText.ContainsIgnoreCase(text, "rest"u8) || FieldText.ContainsIgnoreCase(text, "pause"u8)
            || FieldText.ContainsIgnoreCase(text, "ocv"u8) || FieldText.ContainsIgnoreCase(text, "relax"u8)
            || text.IndexOf("搁置"u8) >= 0 || text.IndexOf("静置"u8) >= 0)
        {
            return StepKind.Rest;
        }

        return StepKind.Other;
    }
}
