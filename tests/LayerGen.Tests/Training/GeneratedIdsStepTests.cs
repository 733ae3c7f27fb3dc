using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers.Ids;
using Xunit;

namespace LayerGen.Tests.Training;

/// <summary>
/// The generated whole-model step of a <see cref="Sequential"/> whose first layer takes ids (an <see cref="Embedding"/>, or
/// the user's own ids layer): over int64 ids, that layer's span API called as the Sequential calls it, the rest through
/// their kernels, with integer class labels for cross-entropy. Five steps bit for bit against the layer-by-layer step (<see cref="StepTwins"/>).
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // builds twins from one seed: no other test may draw in between
public sealed class GeneratedIdsStepTests
{
    // A row is one id: the embedding's rows are the model's.
    private static ILayer OneIdPerRow() => new Sequential(new Embedding(10, 4), new Linear(4, 6), new ReLU(), new Linear(6, 3));

    // A row is one sample's 4 ids: the embedding sees 4 rows per row of the model, FlattenSteps joins them.
    private static ILayer StepsPerRow() => new Sequential(new Embedding(7, 3), new FlattenSteps(4, 3), new Linear(12, 5));

    // The user's own ids layer (weight[indices]) first: called through its IIdsLayer span API as the built-in is.
    private static ILayer UserEmbeddingFirst() => new Sequential(new TokenEmbedding(10, 4), new Tanh(), new Linear(4, 3));

    [Fact]
    public void A_sequential_after_the_users_own_ids_layer_gets_a_generated_step_over_ids()
    {
        var model = UserEmbeddingFirst();
        var trainer = new Trainer(model, new CrossEntropyLoss(3), new Sgd(model.Parameters(), 0.1), maxRows: 3);
        Assert.Equal("generated step: TokenEmbedding[vocab=10, dim=4] → Tanh → Linear[inFeatures=4, outFeatures=3]", trainer.StepName);
    }

    [Fact]
    public void The_users_own_ids_layer_first_with_adam_matches_bit_for_bit() =>
        StepTwins.TrainBothOnIds(UserEmbeddingFirst, m => new Adam(m.Parameters(), 0.01), () => new CrossEntropyLoss(3), rows: 7, classes: 3, vocabulary: 10);

    [Fact]
    public void A_sequential_after_an_embedding_gets_a_generated_step_over_ids()
    {
        var model = StepsPerRow();
        var trainer = new Trainer(model, new CrossEntropyLoss(5), new Sgd(model.Parameters(), 0.1), maxRows: 3);
        Assert.True(trainer.UsesGeneratedStep);
        Assert.Equal("generated step: Embedding[run-time sizes] → FlattenSteps[steps=4, dim=3] → Linear[inFeatures=12, outFeatures=5]", trainer.StepName);
    }

    [Fact]
    public void An_embedding_of_run_time_sizes_trains_layer_by_layer()
    {
        int vocabulary = 10; // not a constant: the construction is not one the generator can lay out
        var model = new Sequential(new Embedding(vocabulary, 4), new Linear(4, 3));
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters(), 0.1), maxRows: 2);
        Assert.Equal("layer by layer", trainer.StepName);
    }

    [Fact]
    public void One_id_per_row_with_cross_entropy_labels_and_adam_matches_the_layer_by_layer_step_bit_for_bit() =>
        StepTwins.TrainBothOnIds(OneIdPerRow, m => new Adam(m.Parameters(), 0.01), () => new CrossEntropyLoss(3), rows: 9, classes: 3, vocabulary: 10);

    [Fact]
    public void One_id_per_row_with_mse_and_sgd_matches_bit_for_bit() =>
        StepTwins.TrainBothOnIds(OneIdPerRow, m => new Sgd(m.Parameters(), 0.05), () => new MseLoss(), rows: 6, classes: 0, vocabulary: 10);

    [Fact]
    public void Several_ids_per_row_with_momentum_matches_bit_for_bit() =>
        StepTwins.TrainBothOnIds(StepsPerRow, m => new Sgd(m.Parameters(), 0.1, momentum: 0.9), () => new CrossEntropyLoss(5), rows: 5, classes: 5, vocabulary: 7);

    [Fact]
    public void An_id_out_of_range_is_refused_as_on_the_layer_by_layer_step()
    {
        var model = OneIdPerRow();
        var trainer = new Trainer(model, new CrossEntropyLoss(3), new Sgd(model.Parameters(), 0.1), maxRows: 2);
        Assert.True(trainer.UsesGeneratedStep);
        var reference = new Trainer(model, new CrossEntropyLoss(3), new Sgd(model.Parameters(), 0.1), maxRows: 2) { UsesGeneratedStep = false };
        var ids = Tensor.FromIds([3, 10], 2, 1);
        var labels = Tensor.FromIds([0, 1], 2);
        var expected = Assert.ThrowsAny<Exception>(() => reference.Step(ids, labels));
        var ours = Assert.ThrowsAny<Exception>(() => trainer.Step(ids, labels));
        Assert.Equal(expected.GetType(), ours.GetType());
        Assert.Equal(expected.Message, ours.Message);
    }

    [Fact]
    public void A_warm_generated_step_over_ids_allocates_nothing()
    {
        Tensor.ManualSeed(5);
        var model = StepsPerRow();
        var trainer = new Trainer(model, new CrossEntropyLoss(5), new Sgd(model.Parameters(), 0.01, momentum: 0.9), maxRows: 8);
        Assert.True(trainer.UsesGeneratedStep);
        var random = new Random(5);
        var ids = Tensor.FromIds(Enumerable.Range(0, 8 * 4).Select(_ => (long)random.Next(7)).ToArray(), 8, 4);
        var labels = Tensor.FromIds(Enumerable.Range(0, 8).Select(_ => (long)random.Next(5)).ToArray(), 8);
        Assert.Equal(0, Allocations.AfterWarmUp(() => trainer.Step(ids, labels)));
    }
}
