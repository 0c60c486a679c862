namespace Twin.Data.Readers;

/// <summary>The cycler export formats the readers understand.</summary>
public enum CyclerFormat
{
    /// <summary>BioLogic EC-Lab / BT-Lab text export (<c>.mpt</c>): "EC-Lab ASCII FILE" header block, tab-separated.</summary>
    BioLogicMpt,

    /// <summary>BioLogic EC-Lab / BT-Lab binary raw file (<c>.mpr</c>): "BIO-LOGIC MODULAR FILE", settings, data and log modules.</summary>
    BioLogicMpr,

    /// <summary>Maccor text export: a few header lines, then a tab-separated table starting with <c>Rec#</c>.</summary>
    Maccor,

    /// <summary>Neware BTS CSV export of the record (data point) table.</summary>
    Neware,

    /// <summary>Neware BTS archive (<c>.ndax</c>): a ZIP file whose <c>data.ndc</c> holds the record table.</summary>
    NewareNdax,

    /// <summary>Arbin MITS CSV export (<c>Data_Point</c>, <c>Test_Time(s)</c>, ...).</summary>
    Arbin,

    /// <summary>Battery Data Format CSV from the Battery Data Alliance (<c>Test Time / s</c>, <c>Current / A</c>, ...).</summary>
    Bdf,
}
