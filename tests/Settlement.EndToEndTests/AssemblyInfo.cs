// Each collection starts a stack of its own: on a small machine two at once would only slow both down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
