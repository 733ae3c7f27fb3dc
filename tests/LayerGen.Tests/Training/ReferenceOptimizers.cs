using System;

namespace LayerGen.Tests.Training;

/// <summary>
/// torch.optim.SGD's and Adam's single-tensor updates (torch/optim/sgd.py, adam.py) transcribed line by
/// line, naive and in double: the oracle for the settings the libtorch fixtures do not cover
/// (dampening, Nesterov, AMSGrad, Adam's L2 decay) and for odd lengths that exercise the vector tail.
/// </summary>
internal sealed class ReferenceSgd(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
{
    private double[]? _buf;

    public void Step(double[] param, double[] gradIn)
    {
        double[] grad = (double[])gradIn.Clone();
        if (weightDecay != 0)
        {
            for (int i = 0; i < grad.Length; i++)
            {
                grad[i] += weightDecay * param[i];
            }
        }

        if (momentum != 0)
        {
            if (_buf is null)
            {
                _buf = (double[])grad.Clone();
            }
            else
            {
                for (int i = 0; i < grad.Length; i++)
                {
                    _buf[i] = _buf[i] * momentum + (1 - dampening) * grad[i];
                }
            }

            for (int i = 0; i < grad.Length; i++)
            {
                grad[i] = nesterov ? grad[i] + momentum * _buf[i] : _buf[i];
            }
        }

        for (int i = 0; i < param.Length; i++)
        {
            param[i] -= lr * grad[i];
        }
    }
}

/// <inheritdoc cref="ReferenceSgd"/>
internal sealed class ReferenceAdam(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool decoupled = false)
{
    private double[]? _m, _v, _vmax;
    private int _step;

    public void Step(double[] param, double[] gradIn)
    {
        _m ??= new double[param.Length];
        _v ??= new double[param.Length];
        _vmax ??= new double[param.Length];
        _step++;
        double[] grad = (double[])gradIn.Clone();
        if (weightDecay != 0)
        {
            for (int i = 0; i < param.Length; i++)
            {
                if (decoupled)
                {
                    param[i] *= 1 - lr * weightDecay;
                }
                else
                {
                    grad[i] += weightDecay * param[i];
                }
            }
        }

        double bias1 = 1 - Math.Pow(beta1, _step);
        double bias2 = 1 - Math.Pow(beta2, _step);
        for (int i = 0; i < param.Length; i++)
        {
            _m[i] = beta1 * _m[i] + (1 - beta1) * grad[i];
            _v[i] = beta2 * _v[i] + (1 - beta2) * grad[i] * grad[i];
            _vmax[i] = Math.Max(_vmax[i], _v[i]);
            double v = amsgrad ? _vmax[i] : _v[i];
            double denom = Math.Sqrt(v) / Math.Sqrt(bias2) + eps;
            param[i] -= lr / bias1 * _m[i] / denom;
        }
    }
}
