package matcher

// RandomTemplate lets the external benchmarks (package matcher_test, which imports
// matcher/extract and so cannot live in this package) use the tests' template generator.
var RandomTemplate = randomTemplate
