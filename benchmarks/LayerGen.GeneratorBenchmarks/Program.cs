using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LayerGen.GeneratorBenchmarks [-- --cpu | --steps | --loops [steps…]]
if (args is ["--cpu"])
{
    LayerGen.GeneratorBenchmarks.CpuTime.Run();
}
else if (args is ["--steps"])
{
    LayerGen.GeneratorBenchmarks.StepTimes.Run();
}
else if (args is ["--loops", ..])
{
    LayerGen.GeneratorBenchmarks.LoopScaling.Run(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(LayerGen.GeneratorBenchmarks.GeneratorCostBenchmarks).Assembly).Run(args);
}
