using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LayerGen.Benchmarks.Cases;
using LayerGen.Benchmarks.Infrastructure;

namespace LayerGen.Benchmarks;

// One class per case (so a filter such as '*Case2*' picks a case), two categories per class: Forward
// and Step, each with the hand-written version as its baseline (Vector512 where the benchmark process
// accelerates it, else Vector256: HandIsa), so the Ratio column reads "LayerGen / hand" and "eager / hand".
// Each Setup prints the process's ISA (HandIsa.Report), which labels the rows ("Hand AVX2"). Each
// benchmark returns its result (an output element or the loss) so the JIT cannot drop the work. The Step
// benchmarks train: parameters change every call.

/// <summary>Case 1a CenteredLayer x[2,5].</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case1a_Centered_2x5
{
    private Case1a _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case1a();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 1b CenteredLayer x[64,128].</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case1b_Centered_64x128
{
    private Case1b _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case1b();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 2 MyLinear 64→8 relu, batch 2.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case2_MyLinear_64x8_Batch2
{
    private Case2 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case2();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 3 chapter net 64→8→1, batch 2.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case3_ChapterNet_Batch2
{
    private Case3 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case3();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 4 Linear(8,128)→CenteredLayer, batch 4.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case4_LinearCentered_Batch4
{
    private Case4 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case4();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 5 MLP 784-256-10 relu, batch 64, softmax cross-entropy.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case5_Mlp784_Batch64
{
    private Case5 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case5();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 6a MLP 32-64-64-1 tanh, batch 1.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case6a_MlpTanh_Batch1
{
    private Case6a _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case6a();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 6b MLP 32-64-64-1 tanh, batch 256.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case6b_MlpTanh_Batch256
{
    private Case6b _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case6b();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 7 bilinear W[16,16,8], batch 8.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case7_Bilinear_Batch8
{
    private Case7 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case7();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "LayerGen in-bwd")]
    [BenchmarkCategory("Step")]
    public float LayerGenInBackwardStep() => _c.LayerGenInBackwardStep();

    [Benchmark(Description = "LayerGen layer-by-layer")]
    [BenchmarkCategory("Step")]
    public float LayerGenLayerByLayerStep() => _c.LayerGenLayerByLayerStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}

/// <summary>Case 8 Fourier half, x[8,64].</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class Case8_FourierHalf_8x64
{
    private Case8 _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        HandIsa.Report();
        _c = new Case8();
    }

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Forward")]
    public float HandForward() => _c.HandForward();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Forward")]
    public float LayerGenForward() => _c.LayerGenForward();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Forward")]
    public float EagerForward() => _c.EagerForward();

    [Benchmark(Baseline = true, Description = "Hand")]
    [BenchmarkCategory("Step")]
    public float HandStep() => _c.HandStep();

    [Benchmark(Description = "LayerGen")]
    [BenchmarkCategory("Step")]
    public float LayerGenStep() => _c.LayerGenStep();

    [Benchmark(Description = "Eager")]
    [BenchmarkCategory("Step")]
    public float EagerStep() => _c.EagerStep();
}
