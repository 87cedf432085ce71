/**
 * The columns of every output CSV, in order, with their meaning. docs/outputs.md documents the same columns (a test
 * checks they agree). Times are seconds of simulated time with 6 decimals; empty means "did not happen".
 */
export const POD_COLUMNS = [
  'namespace', 'name', 'uid', 'owner_kind', 'owner_name', 'node', 'phase', 'reason', 'priority', 'cpu_request_m', 'memory_request_bytes',
  'created_s', 'bound_s', 'running_s', 'ready_s', 'finished_s', 'deleted_s', 'attempts', 'scheduling_latency_s', 'queue_wait_s', 'cycle_s', 'binding_s',
  'startup_latency_s', 'restarts', 'preempted', 'qos_class',
] as const;

export const NODE_COLUMNS = [
  'time_s', 'node', 'pool', 'ready', 'cpu_allocatable_m', 'cpu_requested_m', 'cpu_used_m', 'memory_allocatable_bytes', 'memory_requested_bytes', 'memory_used_bytes',
  'pods_allocatable', 'pods',
] as const;

export const CLUSTER_COLUMNS = [
  'time_s', 'nodes', 'nodes_ready', 'pods_unscheduled', 'pods_scheduled_pending', 'pods_running', 'pods_succeeded', 'pods_failed',
  'cpu_allocatable_m', 'cpu_requested_m', 'cpu_requested_ratio', 'memory_allocatable_bytes', 'memory_requested_bytes', 'memory_requested_ratio',
  'cpu_used_m', 'cpu_used_ratio', 'memory_used_bytes', 'memory_used_ratio', 'sched_active', 'sched_backoff', 'sched_unschedulable', 'sched_gated', 'pods_bound_interval', 'bind_rate_per_s', 'sched_attempts_interval',
  'preemptions_interval', 'preemption_victims_interval', 'cpu_fragmentation_ratio', 'memory_fragmentation_ratio', 'jobs_active', 'jobs_completed',
  'gpus', 'gpu_allocated_ratio', 'gpu_fragmentation_ratio',
] as const;

export const WORKLOAD_COLUMNS = [
  'time_s', 'kind', 'namespace', 'name', 'desired', 'replicas', 'updated', 'ready', 'available', 'unavailable', 'available_ratio',
] as const;

export const AUTOSCALING_COLUMNS = [
  'time_s', 'kind', 'namespace', 'name', 'min', 'max', 'current', 'desired', 'ready', 'metric', 'current_value', 'target_value', 'load_factor', 'usage',
] as const;

export const PROXY_COLUMNS = [
  'time_s', 'node_group', 'proxy', 'nodes', 'mode', 'sync', 'service_ports', 'endpoints', 'written', 'duration_s', 'changed_services', 'programming_latency_max_s',
] as const;

export const SERVICE_COLUMNS = [
  'time_s', 'namespace', 'service', 'connections', 'requests', 'failed', 'endpoints_programmed', 'first_packet_us_p50', 'first_packet_us_p99', 'endpoint_load_max_ratio',
  'dns_queries', 'dns_failed_lookups', 'dns_lookup_ms_mean', 'dns_cache_hit_ratio', 'ingress_requests', 'ingress_failed', 'ingress_latency_ms_mean',
] as const;

export const EVENT_COLUMNS = ['time_s', 'type', 'reason', 'kind', 'namespace', 'name', 'source', 'host', 'message'] as const;

export const SUMMARY_COLUMNS = [
  'scenario', 'seed', 'duration_s', 'nodes', 'pods_created', 'pods_bound', 'pods_running_end', 'pods_succeeded', 'pods_failed', 'pods_unscheduled_end',
  'failed_scheduling_events', 'scheduling_latency_mean_s', 'scheduling_latency_p50_s', 'scheduling_latency_p90_s', 'scheduling_latency_p99_s', 'scheduling_latency_max_s',
  'startup_latency_p50_s', 'startup_latency_p99_s', 'cpu_requested_ratio_mean', 'memory_requested_ratio_mean', 'cpu_used_ratio_mean', 'memory_used_ratio_mean', 'pods_unscheduled_peak', 'jobs_created', 'jobs_completed',
  'scheduling_attempts', 'queue_wait_p50_s', 'queue_wait_p99_s', 'preemptions', 'preemption_victims', 'cpu_fragmentation_mean', 'memory_fragmentation_mean',
  'evictions', 'pod_restarts', 'availability_min', 'availability_mean', 'recovery_s', 'rollout_s', 'node_hours', 'nodes_peak', 'hpa_rescales',
  'ca_nodes_added', 'ca_nodes_removed', 'proxy_mode', 'services', 'endpoints', 'sync_duration_s_p50', 'sync_duration_s_p99',
  'programming_latency_s_p50', 'programming_latency_s_p90', 'programming_latency_s_p99', 'iptables_nat_rules', 'ipvs_virtual_servers',
  'first_packet_us_p50', 'first_packet_us_p90', 'first_packet_us_p99', 'proxy_cpu_cores_per_node', 'connections', 'failed_connections',
  'dns_queries', 'dns_failed_lookups', 'dns_cache_hit_ratio', 'ingress_requests', 'ingress_failed_requests', 'ingress_latency_ms_mean', 'events_processed',
  'policy', 'trace', 'gpus', 'gpu_allocated_ratio_end', 'unallocated_gpu_pct_at_100', 'unallocated_gpu_pct_at_130', 'frag_rate_pct_at_80', 'frag_amount_pct_at_90',
] as const;

/** placement.csv (placement experiments): one row per 1 % bin of arrived GPU demand (% of GPU capacity). */
export const PLACEMENT_COLUMNS = [
  'arrived_gpu_pct', 'events', 'pods_arrived', 'pods_placed', 'pods_failed', 'gpu_allocated_pct', 'unallocated_gpu_pct', 'frag_amount_pct', 'frag_rate_pct', 'cpu_allocated_pct',
] as const;

/** placements.csv (placement experiments): one row per pod tried, in order. */
export const PLACEMENTS_COLUMNS = [
  'index', 'name', 'clone', 'cpu_m', 'memory_bytes', 'gpu_count', 'gpu_milli', 'gpu_models', 'node', 'gpu_indices', 'arrived_gpu_pct', 'message',
] as const;

/** scheduling.csv (`run --trace-scheduling`): one row per attempt × node × plugin, plus a total per scored node and a result per attempt. */
export const SCHEDULING_COLUMNS = [
  'time_s', 'namespace', 'name', 'attempt', 'profile', 'node', 'point', 'plugin', 'code', 'reasons', 'raw', 'normalized', 'weighted', 'selected', 'message',
] as const;
