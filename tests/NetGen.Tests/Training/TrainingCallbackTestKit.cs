using NetGen.Optimizers;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>Drives a callback by hand with chosen metrics, for the cases a real run cannot be steered into.</summary>
internal static class TrainingCallbackTestKit
{
    public static TrainingContext Context(Model model, Optimizer optimizer, bool hasValidation = true) =>
        new(model, optimizer, firstEpoch: 1, epochs: 100, trainingSamples: 10, batchSize: 5, hasValidation, new History());

    /// <summary>An epoch whose only interesting numbers are the validation loss and accuracy.</summary>
    public static EpochMetrics Epoch(int epoch, float validationLoss, float validationAccuracy = 0.5f, float trainingLoss = 1f) =>
        new(epoch, trainingLoss, 0.5f, new Evaluation(validationLoss, validationAccuracy), TimeSpan.FromSeconds(1), 100, 0.1f);

    /// <summary>Feeds <paramref name="validationLosses"/> as epochs 1, 2, … through the epoch hooks; returns the rate after each.</summary>
    public static float[] Run(Callback callback, TrainingContext context, params float[] validationLosses)
    {
        callback.OnTrainBegin(context);
        var rates = new float[validationLosses.Length];
        for (int i = 0; i < validationLosses.Length && !context.StopTraining; i++)
        {
            context.BeginEpoch(i + 1);
            callback.OnEpochBegin(context);
            callback.OnEpochEnd(context, Epoch(i + 1, validationLosses[i]));
            rates[i] = context.Optimizer.LearningRate;
        }
        return rates;
    }
}
