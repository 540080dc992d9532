//go:build integration

package connectortest

// integrationBuild says whether the integration build tag is on, which adds
// the real-broker case to [EachCluster].
const integrationBuild = true
