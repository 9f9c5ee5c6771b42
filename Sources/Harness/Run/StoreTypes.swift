import RunStore

// The module and its main class share the name `RunStore`, so `RunStore.RegionSelection`
// names a member of the class; and ViT has its own RegionSelection. These aliases, declared
// where only RunStore is imported, disambiguate.
typealias StoredSelection = RegionSelection
typealias StoredRegion = RegionSelection.Region
