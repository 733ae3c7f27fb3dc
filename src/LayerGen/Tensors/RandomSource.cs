using System;

namespace LayerGen;

/// <summary>
/// The global random generator behind <see cref="Tensor.Rand"/>, <see cref="Tensor.Randn"/> and
/// parameter initialisation: xoshiro256** seeded through SplitMix64, with Box–Muller for normals.
/// </summary>
/// <remarks>
/// Like PyTorch's default generator it is one global stream with a fixed default seed, so a program
/// that never calls <see cref="ManualSeed"/> is still reproducible run to run. The numbers differ from
/// PyTorch's (its Mersenne Twister and normal sampler are not reproduced): tests that need
/// PyTorch's values load them from fixtures instead.
/// Our own generator (not <see cref="System.Random"/>) because the framework documents no stable
/// sequence across .NET versions, and reproducibility across upgrades is the point.
/// Access is serialised by a lock so concurrent use cannot corrupt the state, but the order in
/// which concurrent callers draw is then up to the scheduler: seed and draw on one thread to reproduce.
/// </remarks>
public static class RandomSource
{
    /// <summary>The seed in force until <see cref="ManualSeed"/> is called (PyTorch's default seed, for familiarity).</summary>
    public const ulong DefaultSeed = 67280421310721UL;

    private static readonly object Gate = new();
    private static Xoshiro256StarStar state;

    static RandomSource() => ManualSeed(DefaultSeed);

    /// <summary>Restarts the stream: the same seed gives the same sequence of draws.</summary>
    public static void ManualSeed(ulong seed)
    {
        lock (Gate)
        {
            state = new Xoshiro256StarStar(seed);
        }
    }

    /// <summary>One uniform float in [0, 1).</summary>
    public static float NextFloat()
    {
        lock (Gate)
        {
            return UniformFloat(NextUInt64());
        }
    }

    /// <summary>One standard-normal float.</summary>
    public static float NextNormal()
    {
        Span<float> one = stackalloc float[1];
        FillNormal(one, 0f, 1f);
        return one[0];
    }

    /// <summary>Fills <paramref name="destination"/> with uniform draws from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    internal static void FillUniform(Span<float> destination, float low = 0f, float high = 1f)
    {
        lock (Gate)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = low + (high - low) * UniformFloat(NextUInt64());
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with normal draws of the given mean and standard deviation.</summary>
    internal static void FillNormal(Span<float> destination, float mean = 0f, float std = 1f)
    {
        lock (Gate)
        {
            // Box–Muller gives two independent normals per pair of uniforms; an odd tail uses the
            // first of a pair and drops the second, so the stream position depends only on the length.
            for (int i = 0; i < destination.Length; i += 2)
            {
                // u1 in (0, 1] keeps the logarithm finite; 53-bit doubles keep the tails accurate.
                double u1 = 1.0 - UniformDouble(NextUInt64());
                double u2 = UniformDouble(NextUInt64());
                double radius = Math.Sqrt(-2.0 * Math.Log(u1));
                double angle = 2.0 * Math.PI * u2;
                destination[i] = (float)(mean + std * radius * Math.Cos(angle));
                if (i + 1 < destination.Length)
                {
                    destination[i + 1] = (float)(mean + std * radius * Math.Sin(angle));
                }
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform integers from [<paramref name="low"/>, <paramref name="high"/>), without bias.</summary>
    internal static void FillIntegers(Span<long> destination, long low, long high)
    {
        ulong range = (ulong)(high - low);
        ulong threshold = (0 - range) % range; // 2^64 mod range: the low products to reject so that every value is equally likely
        lock (Gate)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                // Lemire's multiply-shift: the high word of x·range is uniform in [0, range) once the biased low words are redrawn.
                ulong high64 = Math.BigMul(NextUInt64(), range, out ulong low64);
                while (low64 < threshold)
                {
                    high64 = Math.BigMul(NextUInt64(), range, out low64);
                }

                destination[i] = low + (long)high64;
            }
        }
    }

    /// <summary>Sets the raw state, so that tests can check the generator against published xoshiro256** outputs.</summary>
    internal static void SetStateForTesting(ulong a, ulong b, ulong c, ulong d)
    {
        lock (Gate)
        {
            state = new Xoshiro256StarStar(a, b, c, d);
        }
    }

    /// <summary>The next raw 64-bit output (see <see cref="SetStateForTesting"/>).</summary>
    internal static ulong NextRawForTesting()
    {
        lock (Gate)
        {
            return NextUInt64();
        }
    }

    // Top 24 bits: exactly the float grid on [0, 1), so 1.0f can never come out by rounding.
    private static float UniformFloat(ulong bits) => (bits >> 40) * (1.0f / (1 << 24));

    private static double UniformDouble(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    // The one stream every draw comes from (xoshiro256**, see Xoshiro256StarStar). Caller holds Gate.
    private static ulong NextUInt64() => state.NextUInt64();
}
