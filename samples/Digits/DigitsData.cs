using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace Digits;

/// <summary>
/// Handwritten digits as 8x8 images (the UCI "Optical Recognition of Handwritten Digits" test set,
/// see data/README.md): <see cref="Features"/> holds <see cref="Pixels"/> floats per image, row-major,
/// and <see cref="Labels"/> the digit each image shows.
/// </summary>
public sealed class DigitsData
{
    /// <summary>Pixels per image (8x8), each 0..16 in the file.</summary>
    public const int Pixels = 64;

    /// <summary>The digits 0..9.</summary>
    public const int Classes = 10;

    public DigitsData(float[] features, int[] labels)
    {
        if (features.Length != labels.Length * Pixels)
        {
            throw new ArgumentException($"{features.Length} pixel values do not make {labels.Length} images of {Pixels}.", nameof(features));
        }

        Features = features;
        Labels = labels;
    }

    /// <summary>[<see cref="Count"/>, <see cref="Pixels"/>], row-major.</summary>
    public float[] Features { get; }

    /// <summary>One digit 0..9 per image.</summary>
    public int[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Reads <c>digits.csv.gz</c>: one image a line, no header, 64 pixel values then the label.</summary>
    public static DigitsData Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var features = new System.Collections.Generic.List<float>(1797 * Pixels);
        var labels = new System.Collections.Generic.List<int>(1797);
        int lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            string[] cells = line.Split(',');
            if (cells.Length != Pixels + 1)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: {cells.Length} values, expected {Pixels} pixels and a label.");
            }

            for (int i = 0; i < Pixels; i++)
            {
                features.Add(float.Parse(cells[i], CultureInfo.InvariantCulture));
            }

            int label = int.Parse(cells[Pixels], CultureInfo.InvariantCulture);
            if (label is < 0 or >= Classes)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: label {label} is not a digit.");
            }

            labels.Add(label);
        }

        return new DigitsData(features.ToArray(), labels.ToArray());
    }

    /// <summary>
    /// A seeded random split into training and held-out images (<paramref name="heldOutFraction"/> of
    /// them, rounded): the same seed gives the same split on every run and machine.
    /// </summary>
    public (DigitsData Train, DigitsData HeldOut) Split(double heldOutFraction, int seed)
    {
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order); // System.Random with a seed: the same sequence on every .NET
        int heldOut = (int)Math.Round(Count * heldOutFraction);
        return (Take(order.AsSpan(heldOut)), Take(order.AsSpan(0, heldOut)));
    }

    private DigitsData Take(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * Pixels];
        var labels = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            Features.AsSpan(rows[r] * Pixels, Pixels).CopyTo(features.AsSpan(r * Pixels, Pixels));
            labels[r] = Labels[rows[r]];
        }

        return new DigitsData(features, labels);
    }
}

/// <summary>
/// Scales each pixel to zero mean and unit variance with the training set's statistics (as
/// scikit-learn's <c>StandardScaler</c>; a pixel that never varies in training keeps scale 1).
/// </summary>
public sealed class Standardiser
{
    private readonly float[] _mean = new float[DigitsData.Pixels];
    private readonly float[] _std = new float[DigitsData.Pixels];

    /// <summary>The mean and standard deviation of each pixel over <paramref name="train"/>.</summary>
    public Standardiser(DigitsData train)
    {
        for (int p = 0; p < DigitsData.Pixels; p++)
        {
            double sum = 0, sumSquares = 0;
            for (int r = 0; r < train.Count; r++)
            {
                double x = train.Features[r * DigitsData.Pixels + p];
                sum += x;
                sumSquares += x * x;
            }

            double mean = sum / train.Count;
            double std = Math.Sqrt(Math.Max(sumSquares / train.Count - mean * mean, 0));
            _mean[p] = (float)mean;
            _std[p] = std > 1e-6 ? (float)std : 1f;
        }
    }

    /// <summary>A standardised copy of <paramref name="data"/>.</summary>
    public DigitsData Apply(DigitsData data)
    {
        var features = new float[data.Features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            int p = i % DigitsData.Pixels;
            features[i] = (data.Features[i] - _mean[p]) / _std[p];
        }

        return new DigitsData(features, data.Labels);
    }
}
