using Twin.Core.Samples;

namespace Twin.Core.RestVoltage;

/// <summary>
/// Finds the rests of a sample stream and decides, per rest, whether the cell relaxed: |I| at most
/// <see cref="RelaxationOptions.MaxCurrentCRate"/> times the capacity, and the least-squares slope of the voltage over
/// the last <see cref="RelaxationOptions.SlopeWindowS"/> (plus <see cref="RelaxationOptions.SlopeConfidence"/>
/// standard errors) at most <see cref="RelaxationOptions.MaxSlopeMVPerHour"/>, without a break for
/// <see cref="RelaxationOptions.HoldS"/>. Emits one <see cref="RestObservation"/> per rest, when the rest ends (the
/// first sample whose current is above the threshold, or <see cref="Complete"/> at the end of the stream).
/// </summary>
/// <remarks>
/// The slope is fitted to the whole window, not taken from two samples, so voltage noise and quantisation do not pass
/// for drift or for relaxation. Samples are averaged into <see cref="RelaxationOptions.WindowBins"/> time bins; the
/// line is fitted to the bin means weighted by their counts, so memory is fixed whatever the sampling rate.
/// The relaxed voltage reported is the fitted line's value at the end of the latest window that met the criterion
/// after the hold (the most relaxed one), with its standard error. A sample with a non-finite time, voltage or
/// current is skipped and counted in <see cref="SkippedSamples"/>; time running backwards abandons the rest
/// (<see cref="RestOutcome.Interrupted"/>). <see cref="Add"/> and <see cref="Complete"/> allocate nothing; not
/// thread-safe (one detector per cell, fed by one consumer).
/// </remarks>
public sealed class RelaxationDetector
{
    private readonly double _maxCurrentA;
    private readonly double _maxSlopeVPerS;
    private readonly double _binWidthS;
    private readonly int _bins;
    private readonly long[] _binIndex;
    private readonly double[] _binT;
    private readonly double[] _binV;
    private readonly int[] _binN;
    private int _head;
    private int _count;

    private long _curIndex;
    private double _curSumT;
    private double _curSumV;
    private int _curN;

    private bool _inRest;
    private double _restStartS;
    private double _v0;
    private double _lastT = double.NaN;
    private double _lastV;
    private double _lastRestT;

    private bool _haveFit;
    private double _fitT;
    private double _fitV;
    private double _fitVSigma;
    private double _slope;
    private double _slopeSigma;
    private double _relaxedSince = double.NaN;
    private bool _haveSnapshot;
    private RestObservation _snapshot;

    /// <summary>Creates a detector.</summary>
    /// <param name="capacityAh">The cell's capacity that the rest-current C-rate refers to, A·h (&gt; 0).</param>
    /// <param name="options">Thresholds; <see cref="RelaxationOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The capacity is not a positive number, or an option is invalid.</exception>
    public RelaxationDetector(double capacityAh, RelaxationOptions? options = null)
    {
        if (!(capacityAh > 0) || !double.IsFinite(capacityAh)) throw new ArgumentException($"capacity must be a positive number of A·h, got {capacityAh}", nameof(capacityAh));
        Options = options ?? RelaxationOptions.Default;
        Options.Validate();
        CapacityAh = capacityAh;
        _maxCurrentA = Options.MaxCurrentCRate * capacityAh;
        _maxSlopeVPerS = Options.MaxSlopeMVPerHour / 3.6e6;
        _bins = Options.WindowBins;
        _binWidthS = Options.SlopeWindowS / _bins;
        _binIndex = new long[_bins];
        _binT = new double[_bins];
        _binV = new double[_bins];
        _binN = new int[_bins];
    }

    /// <summary>The thresholds.</summary>
    public RelaxationOptions Options { get; }

    /// <summary>Capacity the rest-current threshold refers to, A·h.</summary>
    public double CapacityAh { get; }

    /// <summary>Rest-current threshold, A.</summary>
    public double MaxCurrentA => _maxCurrentA;

    /// <summary>True while the stream is in a rest.</summary>
    public bool InRest => _inRest;

    /// <summary>Samples skipped for a non-finite time, voltage or current.</summary>
    public long SkippedSamples { get; private set; }

    /// <summary>Feeds one sample.</summary>
    /// <param name="sample">The sample (current positive on charge; only its magnitude matters).</param>
    /// <param name="observation">The rest that this sample ended, when the method returns true.</param>
    /// <returns>True when a rest ended (the sample is the first one after it, or time ran backwards).</returns>
    public bool Add(in CyclerSample sample, out RestObservation observation)
    {
        observation = default;
        double t = sample.TimeS, v = sample.VoltageV, i = sample.CurrentA;
        if (!double.IsFinite(t) || !double.IsFinite(v) || !double.IsFinite(i))
        {
            SkippedSamples++;
            return false;
        }
        bool ended = false;
        if (t < _lastT && _inRest)
        {
            observation = Close(interrupted: true);
            ended = true;
        }
        _lastT = t;
        if (Math.Abs(i) > _maxCurrentA)
        {
            if (_inRest)
            {
                observation = Close(interrupted: false);
                return true;
            }
            return ended;
        }
        if (!_inRest) Start(t, v);
        Accumulate(t, v);
        return ended;
    }

    /// <summary>Ends the stream: reports the rest in progress, if any.</summary>
    /// <param name="observation">The rest, when the method returns true.</param>
    /// <returns>True when a rest was in progress.</returns>
    public bool Complete(out RestObservation observation)
    {
        observation = default;
        if (!_inRest) return false;
        observation = Close(interrupted: false);
        return true;
    }

    /// <summary>Forgets any rest in progress (e.g. when the source restarts).</summary>
    public void Reset()
    {
        _inRest = false;
        _lastT = double.NaN;
    }

    private void Start(double t, double v)
    {
        _inRest = true;
        _restStartS = t;
        _v0 = v;
        _head = 0;
        _count = 0;
        _curIndex = 0;
        _curSumT = _curSumV = 0;
        _curN = 0;
        _haveFit = false;
        _relaxedSince = double.NaN;
        _haveSnapshot = false;
    }

    private void Accumulate(double t, double v)
    {
        double tr = t - _restStartS;
        long k = (long)Math.Floor(tr / _binWidthS);
        if (k != _curIndex && _curN > 0) PushBin();
        if (_curN == 0) _curIndex = k;
        _curSumT += tr;
        _curSumV += v - _v0;
        _curN++;
        _lastV = v;
        _lastRestT = t;
    }

    private void PushBin()
    {
        long k = _curIndex;
        while (_count > 0 && _binIndex[_head] <= k - _bins)
        {
            _head = (_head + 1) % _bins;
            _count--;
        }
        int tail = (_head + _count) % _bins;
        _binIndex[tail] = k;
        _binT[tail] = _curSumT / _curN;
        _binV[tail] = _curSumV / _curN;
        _binN[tail] = _curN;
        _count++;
        _curSumT = _curSumV = 0;
        _curN = 0;
        if (k >= _bins - 1) Evaluate();
    }

    private void Evaluate()
    {
        if (_count < 3)
        {
            _relaxedSince = double.NaN;
            return;
        }
        // One pass over the window: count-weighted sums about the first bin (small numbers, well conditioned).
        double t0 = _binT[_head], v0 = _binV[_head];
        double n = 0, st = 0, sv = 0, stt = 0, stv = 0, svv = 0;
        for (int j = 0, b = _head; j < _count; j++, b = b + 1 == _bins ? 0 : b + 1)
        {
            double w = _binN[b], t = _binT[b] - t0, v = _binV[b] - v0;
            n += w; st += w * t; sv += w * v; stt += w * t * t; stv += w * t * v; svv += w * v * v;
        }
        double tBar = st / n, vBar = sv / n;
        double sxx = stt - st * tBar, sxy = stv - st * vBar, syy = svv - sv * vBar;
        if (!(sxx > 0)) return;
        double slope = sxy / sxx;
        double r2 = Math.Max(0, syy - slope * sxy);
        tBar += t0;
        vBar += v0;
        double s2 = r2 / (_count - 2);
        int last = (_head + _count - 1) % _bins;
        double tEnd = _binT[last], dEnd = tEnd - tBar;
        _haveFit = true;
        _fitT = tEnd + _restStartS;
        _fitV = vBar + slope * dEnd + _v0;
        _fitVSigma = Math.Sqrt(s2 * (1 / n + dEnd * dEnd / sxx));
        _slope = slope;
        _slopeSigma = Math.Sqrt(s2 / sxx);
        if (Math.Abs(_slope) + Options.SlopeConfidence * _slopeSigma > _maxSlopeVPerS)
        {
            _relaxedSince = double.NaN;
            return;
        }
        if (double.IsNaN(_relaxedSince)) _relaxedSince = _fitT;
        double relaxedFor = _fitT - _relaxedSince;
        if (relaxedFor < Options.HoldS) return;
        _haveSnapshot = true;
        _snapshot = new RestObservation(RestOutcome.Relaxed, _restStartS, _fitT, _fitT, _fitV, _fitVSigma, _slope, _slopeSigma, relaxedFor);
    }

    private RestObservation Close(bool interrupted)
    {
        double end = _lastRestT;
        if (!interrupted && _curN > 0) PushBin();
        _inRest = false;
        if (interrupted)
            return new RestObservation(RestOutcome.Interrupted, _restStartS, end, end, _lastV, double.NaN, double.NaN, double.NaN, 0);
        if (_haveSnapshot) return _snapshot with { EndS = end };
        if (_haveFit)
            return new RestObservation(RestOutcome.StillRelaxing, _restStartS, end, _fitT, _fitV, _fitVSigma, _slope, _slopeSigma, 0);
        return new RestObservation(RestOutcome.TooShort, _restStartS, end, end, _lastV, double.NaN, double.NaN, double.NaN, 0);
    }
}
