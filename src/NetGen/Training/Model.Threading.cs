namespace NetGen;

// Which threads may use a model, and how (see the class's remarks): inference from any number at once, each thread in
// buffers of its own; training, and the other calls that change the model, from one thread at a time.
public abstract partial class Model
{
    /// <summary>Whether this instance is an inference replica (see <see cref="Model(Model)"/>), which only its owner uses.</summary>
    private readonly bool _isReplica;

    /// <summary>
    /// Each thread's inference replica of this model, made on the thread's first inference call; null until the first
    /// such call on any thread. A replica holds no reference to its owner, so the replicas a thread keeps for a model
    /// never keep the model alive: once the model is unreachable, its <see cref="ThreadLocal{T}"/> is finalised and
    /// lets every thread's replica go.
    /// </summary>
    private ThreadLocal<Model>? _replicas;

    /// <summary>The managed id of the thread running a training call on this model, or 0 when none is.</summary>
    private int _trainingThread;

    /// <summary>What that thread is running, for the message another thread's call throws.</summary>
    private string? _trainingCall;

    /// <summary>
    /// A new inference replica of this model: the generated <c>new TheNetwork(this)</c>, which calls
    /// <see cref="Model(Model)"/>. The generator writes it; the runtime calls it once per thread that runs inference.
    /// </summary>
    protected abstract Model CreateReplica();

    /// <summary>
    /// The calling thread's inference replica of this model: its activation buffers are the thread's alone, its
    /// parameters the model's. Made on the thread's first call; afterwards a thread-local read, with no lock and no allocation.
    /// </summary>
    private protected Model InferenceReplica => _isReplica ? this : (_replicas ?? CreateReplicas()).Value!;

    private ThreadLocal<Model> CreateReplicas()
    {
        var replicas = new ThreadLocal<Model>(NewReplica);
        ThreadLocal<Model>? existing = Interlocked.CompareExchange(ref _replicas, replicas, null);
        if (existing is null)
        {
            return replicas;
        }
        // Another thread's first call got there first: use its.
        replicas.Dispose();
        return existing;
    }

    private Model NewReplica()
    {
        Model replica = CreateReplica();
        if (replica.GetType() != GetType() || !replica._isReplica || !ReferenceEquals(replica.Parameters, Parameters))
        {
            throw new InvalidOperationException($"{GetType().Name}.CreateReplica must return new {GetType().Name}(this).");
        }
        return replica;
    }

    /// <summary>
    /// Claims the model for a training call — one that changes it or its training buffers — made by the calling
    /// thread. Returns whether this call claimed it, false when the calling thread holds it already (a callback of
    /// its own <c>Fit</c>, or <see cref="CheckGradients"/> calling <see cref="ComputeGradients"/>), in which
    /// case the outer call releases it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread holds it.</exception>
    private bool BeginTraining(string call)
    {
        int thread = Environment.CurrentManagedThreadId;
        int holder = Interlocked.CompareExchange(ref _trainingThread, thread, 0);
        if (holder == 0)
        {
            _trainingCall = call;
            return true;
        }
        if (holder == thread)
        {
            return false;
        }
        throw new InvalidOperationException(
            $"{Description.Name}.{call} was called while another thread is in {_trainingCall ?? "a training call"} on the same model. " +
            "Training is single-owner: Fit, ComputeGradients, CheckGradients, EnsureBatchCapacity, LoadWeights and LoadCheckpoint " +
            "run one at a time. Inference (Predict, PredictClass, Evaluate, Forward, ComputeLoss) may run on any number of threads meanwhile.");
    }

    /// <summary>Releases the claim <see cref="BeginTraining"/> made, if it made one.</summary>
    private void EndTraining(bool claimed)
    {
        if (claimed)
        {
            _trainingCall = null;
            Volatile.Write(ref _trainingThread, 0);
        }
    }
}
