namespace Twin.Core.Estimation;

/// <summary>A parameter of the c_Li filter whose prior an operator or the experiment file can change at run time.</summary>
public enum LithiumPrior
{
    /// <summary>c_Li0, the lithium content at the first sample (experiment file <c>c_li0</c>).</summary>
    CLi0,

    /// <summary>Q_Li, the charge per unit c_Li in A·h (experiment file <c>q_li_Ah</c>).</summary>
    QLi,
}

/// <summary>Names of <see cref="LithiumPrior"/> as written to payloads, the audit log and the experiment file.</summary>
public static class LithiumPriorNames
{
    /// <summary>"c_li0" or "q_li_Ah".</summary>
    /// <param name="prior">The parameter.</param>
    /// <returns>Its name in the experiment file.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined parameter.</exception>
    public static string Name(this LithiumPrior prior) => prior switch
    {
        LithiumPrior.CLi0 => "c_li0",
        LithiumPrior.QLi => "q_li_Ah",
        _ => throw new ArgumentOutOfRangeException(nameof(prior), prior, "expected c_li0 or q_li_Ah"),
    };
}

/// <summary>What changing a prior did to the filter.</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Before">The prior mean in force before (c_Li0, or Q_Li in A·h).</param>
/// <param name="After">The new prior mean.</param>
/// <param name="CLiBefore">Estimated c_Li before.</param>
/// <param name="CLiAfter">Estimated c_Li after.</param>
/// <param name="Sigma">σ of c_Li (unchanged: a new prior mean leaves the covariance as it was).</param>
public readonly record struct PriorChange(LithiumPrior Parameter, double Before, double After, double CLiBefore, double CLiAfter, double Sigma);
