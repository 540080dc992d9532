package source

import "maps"

// TaskConfigs returns the configuration of each task, as the connector's
// TaskConfigs gave them when [New] built the runtime, for a worker to show
// (Kafka Connect's GET /connectors/{name}/tasks).
func (r *Runtime) TaskConfigs() []map[string]string {
	out := make([]map[string]string, len(r.taskCfgs))
	for i, c := range r.taskCfgs {
		out[i] = maps.Clone(c)
	}
	return out
}
