/**
 * KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`), the fields kubesim models: global and per-profile
 * `percentageOfNodesToScore`, `podInitialBackoffSeconds`, `podMaxBackoffSeconds`, and `profiles` with
 * `schedulerName`, `plugins` (multiPoint and per extension point `enabled`/`disabled`, `"*"` for all) and
 * `pluginConfig` args. Other upstream fields are accepted and ignored (they configure a real process).
 */
import { z } from 'zod';
import { k8sObject, strict } from './common.js';
import { EXTENSION_POINTS } from '../../models/scheduler/framework/profile.js';

const plugin = strict({ name: z.string().min(1), weight: z.int().min(0, { error: 'weight must be ≥ 0' }).max(100, { error: 'weight must be at most 100' }).optional() }, 'a plugin');
const pluginSet = strict({ enabled: z.array(plugin).optional(), disabled: z.array(plugin).optional() }, 'a plugin set');

const optionalSet = pluginSet.optional();
const pluginsShape: Record<string, typeof optionalSet> = { multiPoint: optionalSet };
for (const p of EXTENSION_POINTS) pluginsShape[p] = optionalSet;

/** One profile. */
export const schedulerProfile = strict(
  {
    schedulerName: z.string().min(1).default('default-scheduler'),
    percentageOfNodesToScore: z.int().min(0).max(100).optional(),
    plugins: strict(pluginsShape, 'plugins').optional(),
    pluginConfig: z.array(strict({ name: z.string().min(1), args: z.record(z.string(), z.unknown()).optional() }, 'a pluginConfig entry')).optional(),
  },
  'a scheduler profile',
);

/** The configuration document. */
export const kubeSchedulerConfiguration = k8sObject(
  {
    apiVersion: z.literal('kubescheduler.config.k8s.io/v1', { error: 'expected apiVersion "kubescheduler.config.k8s.io/v1"' }),
    kind: z.literal('KubeSchedulerConfiguration', { error: 'expected kind "KubeSchedulerConfiguration"' }),
    percentageOfNodesToScore: z.int().min(0).max(100).optional(),
    podInitialBackoffSeconds: z.int().min(1).optional(),
    podMaxBackoffSeconds: z.int().min(1).optional(),
    profiles: z.array(schedulerProfile).min(1).optional(),
  },
  ['clientConnection', 'leaderElection', 'parallelism', 'extenders', 'delayCacheUntilActive', 'enableProfiling', 'enableContentionProfiling', 'featureGates', 'debuggingConfiguration'],
  'a KubeSchedulerConfiguration',
);

export type KubeSchedulerConfigurationDoc = z.output<typeof kubeSchedulerConfiguration>;
export type SchedulerProfileDoc = z.output<typeof schedulerProfile>;
