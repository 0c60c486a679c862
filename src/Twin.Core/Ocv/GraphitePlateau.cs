namespace Twin.Core.Ocv;

/// <summary>
/// The flat stage-1 plateau of a graphite anode: where its potential is known to within its width whatever the
/// exact lithiation, so a full cell's relaxed voltage gives the cathode potential (V_cathode = V_cell + U_anode).
/// </summary>
/// <param name="XMin">Lowest anode lithiation of the plateau (table scale).</param>
/// <param name="XMax">Highest anode lithiation of the plateau (table scale).</param>
/// <param name="PotentialV">Mid-range potential of the smoothed curve over the plateau, V vs Li/Li⁺.</param>
/// <param name="HalfWidthV">Half the range of the smoothed curve over the plateau, V.</param>
/// <param name="SigmaV">Standard uncertainty of the anode potential anywhere on the plateau: the range taken as a
/// uniform distribution (half-width/√3) combined with the largest scatter of the measured points there, V.</param>
/// <param name="Source">Citation of the plateau's range.</param>
public sealed record GraphitePlateau(double XMin, double XMax, double PotentialV, double HalfWidthV, double SigmaV, string Source);
