namespace NetGen;

// Which threads may use a model, and how (see the class's remarks): inference from any number at once, each thread in
// buffers of its own.
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

    /// <summary>
    /// A new inference replica of this model: the generated <c>new TheNetwork(this)</c>, which calls
    /// <see cref="Model(Model)"/>. The generator writes it; the runtime calls it once per thread that runs inference.
    /// </summary>
    protected abstract Model CreateReplica();

    /// <summary>
    /// The calling thread's inference replica of this model: its activation buffers are the thread's alone, its
    /// parameters the model's. Made on the thread's first call; afterwards a thread-local read, with no lock and no allocation.
    /// </summary>
    private Model InferenceReplica => _isReplica ? this : (_replicas ?? CreateReplicas()).Value!;

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
}
