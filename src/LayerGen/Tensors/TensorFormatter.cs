using System;
using System.Collections.Generic;
using System.Text;

namespace LayerGen;

/// <summary>
/// <see cref="Tensor.ToString"/> in PyTorch's format, following <c>torch/_tensor_str.py</c> with its
/// default print options, so that output can be compared with a PyTorch session character for character.
/// </summary>
/// <remarks>
/// The rules, as PyTorch has them:
/// <list type="bullet">
/// <item>One format for all elements, chosen from the nonzero finite values (only the edge items
/// when summarised): integer-valued floats print as <c>2.</c>; scientific notation when the largest
/// magnitude exceeds the smallest by more than 1000x, exceeds 1e8, or (for non-integers) the smallest is below 1e-4;
/// otherwise 4 decimals. Every element is right-aligned to the widest one.</item>
/// <item>Rows wrap at 80 columns; more than 1000 elements are summarised to 3 edge items per
/// dimension around <c>...</c>.</item>
/// <item>Nested dimensions are separated by one newline per remaining dimension and indented to
/// line up under the opening bracket.</item>
/// </list>
/// </remarks>
internal static class TensorFormatter
{
    private const int Precision = 4;
    private const int Threshold = 1000;
    private const int EdgeItems = 3;
    private const int LineWidth = 80;

    public static string Format(Tensor tensor)
    {
        const string Prefix = "tensor(";
        int indent = Prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (tensor.Count == 0)
        {
            // An empty tensor has no elements to show its shape, so PyTorch names it (unless 1-D).
            if (tensor.Rank != 1)
            {
                suffixes.Add("size=" + PythonTuple(tensor.Shape));
            }

            body = "[]";

            // Nor a value to show that it holds integers: PyTorch names any dtype but the default float's.
            if (tensor.DType != DType.Float32)
            {
                suffixes.Add("dtype=" + Tensor.TorchName(tensor.DType));
            }
        }
        else
        {
            body = new Printer(tensor).Print(indent);
        }

        if (tensor.GradFn is { } gradFn)
        {
            suffixes.Add($"grad_fn=<{gradFn.Name}>");
        }
        else if (tensor.RequiresGrad)
        {
            suffixes.Add("requires_grad=True");
        }

        string repr = AddSuffixes(Prefix + body, suffixes, indent);
        return tensor.IsParameter ? "Parameter containing:\n" + repr : repr;
    }

    // PyTorch's _add_suffixes, including its arithmetic for the length of the last line.
    private static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var result = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (string suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                result.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                result.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }

        return result.Append(')').ToString();
    }

    private static string PythonTuple(ReadOnlySpan<int> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + Tensor.FormatShape(shape)[1..^1] + ")";

    /// <summary>Walks one tensor's dimensions, as _tensor_str_with_formatter and _vector_str do.</summary>
    private sealed class Printer
    {
        private readonly int[] _shape;
        private readonly int[] _strides;
        private readonly bool _summarize;
        private readonly IElementFormat _format;

        public Printer(Tensor tensor)
        {
            _shape = tensor.ShapeArray;
            _strides = new int[_shape.Length];
            for (int d = _shape.Length - 1, stride = 1; d >= 0; d--)
            {
                _strides[d] = stride;
                stride *= _shape[d];
            }

            _summarize = tensor.Count > Threshold;
            var shown = new List<int>();
            CollectShown(0, 0, shown);
            _format = tensor.DType == DType.Int64
                ? new IntegerFormat(tensor.LongData, shown)
                : new FloatFormat(tensor.Data, shown);
        }

        public string Print(int indent) => Dimension(0, 0, indent);

        // The indices printed along a dimension of `size`: all, or the edge items around a gap (-1).
        private IEnumerable<int> ShownIndices(int size)
        {
            if (_summarize && size > 2 * EdgeItems)
            {
                for (int i = 0; i < EdgeItems; i++)
                {
                    yield return i;
                }

                yield return -1;
                for (int i = size - EdgeItems; i < size; i++)
                {
                    yield return i;
                }
            }
            else
            {
                for (int i = 0; i < size; i++)
                {
                    yield return i;
                }
            }
        }

        // The format is chosen from the printed elements only (PyTorch's get_summarized_data).
        private void CollectShown(int level, int offset, List<int> offsets)
        {
            if (level == _shape.Length)
            {
                offsets.Add(offset);
                return;
            }

            foreach (int i in ShownIndices(_shape[level]))
            {
                if (i >= 0)
                {
                    CollectShown(level + 1, offset + i * _strides[level], offsets);
                }
            }
        }

        private string Dimension(int level, int offset, int indent)
        {
            int remaining = _shape.Length - level;
            if (remaining == 0)
            {
                return _format.Format(offset);
            }

            if (remaining == 1)
            {
                return Vector(offset, _shape[level], indent);
            }

            var slices = new List<string>();
            foreach (int i in ShownIndices(_shape[level]))
            {
                slices.Add(i < 0 ? "..." : Dimension(level + 1, offset + i * _strides[level], indent + 1));
            }

            string separator = "," + new string('\n', remaining - 1) + new string(' ', indent + 1);
            return "[" + string.Join(separator, slices) + "]";
        }

        private string Vector(int offset, int size, int indent)
        {
            int elementLength = _format.Width + 2; // the element plus ", "
            int perLine = Math.Max(1, (LineWidth - indent) / elementLength);
            var items = new List<string>();
            foreach (int i in ShownIndices(size))
            {
                items.Add(i < 0 ? " ..." : _format.Format(offset + i));
            }

            var lines = new List<string>();
            for (int start = 0; start < items.Count; start += perLine)
            {
                lines.Add(string.Join(", ", items.GetRange(start, Math.Min(perLine, items.Count - start))));
            }

            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
    }

    /// <summary>PyTorch's _Formatter: one format and width for every element of a tensor, which it prints by storage offset.</summary>
    private interface IElementFormat
    {
        int Width { get; }

        string Format(int offset);
    }

    /// <summary>An integer dtype: each value as Python's str() prints it, right-aligned to the widest shown.</summary>
    private sealed class IntegerFormat : IElementFormat
    {
        private readonly long[] _data;

        public IntegerFormat(long[] data, List<int> shown)
        {
            _data = data;
            Width = 1;
            foreach (int offset in shown)
            {
                Width = Math.Max(Width, Text(data[offset]).Length);
            }
        }

        public int Width { get; }

        public string Format(int offset) => Text(_data[offset]).PadLeft(Width);

        private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>float32: integer style, fixed 4 decimals or scientific, chosen from the shown nonzero finite values.</summary>
    private sealed class FloatFormat : IElementFormat
    {
        private readonly float[] _data;
        private readonly bool _intMode = true;
        private readonly bool _sciMode;

        public FloatFormat(float[] data, List<int> shown)
        {
            _data = data;
            Width = 1;
            double min = double.PositiveInfinity, max = 0;
            var nonzeroFinite = new List<double>();
            foreach (int offset in shown)
            {
                double v = data[offset];
                if (double.IsFinite(v) && v != 0)
                {
                    nonzeroFinite.Add(v);
                    min = Math.Min(min, Math.Abs(v));
                    max = Math.Max(max, Math.Abs(v));
                    _intMode &= v == Math.Ceiling(v);
                }
            }

            if (nonzeroFinite.Count == 0)
            {
                return; // all zeros or non-finite: integer style, width 1, as PyTorch
            }

            bool wideRange = max / min > 1000.0 || max > 1.0e8;
            _sciMode = _intMode ? wideRange : wideRange || min < 1.0e-4;
            foreach (double v in nonzeroFinite)
            {
                int length = _sciMode ? PythonFloatFormat.Scientific(v, Precision).Length
                    : _intMode ? PythonFloatFormat.Fixed(v, 0).Length + 1 // room for the trailing '.'
                    : PythonFloatFormat.Fixed(v, Precision).Length;
                Width = Math.Max(Width, length);
            }
        }

        public int Width { get; }

        public string Format(int offset)
        {
            double value = _data[offset];
            string text = _sciMode ? PythonFloatFormat.Scientific(value, Precision)
                : _intMode ? PythonFloatFormat.Fixed(value, 0) + (double.IsFinite(value) ? "." : "")
                : PythonFloatFormat.Fixed(value, Precision);
            return text.PadLeft(Width);
        }
    }
}
