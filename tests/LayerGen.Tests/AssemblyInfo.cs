using Xunit;

// Many tests draw from LayerGen's one global, seeded random stream (as torch.manual_seed does); run in
// parallel, one test's draws would shift another's inputs. Serial runs keep every test reproducible,
// and the whole project still runs in seconds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
