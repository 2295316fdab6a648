// The system tests start whole AppHosts (six processes each) on small machines: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
