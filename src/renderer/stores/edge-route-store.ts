// Where content comes from right now (the school edge or the county hub) and why, for the 管理员 page.
import { create } from 'zustand';
import type { EdgeRouteState } from '../sync/edge-route.ts';

export const useEdgeRoute = create<EdgeRouteState>(() => ({ edgeUrl: null, using: 'county', problem: null, since: 0, edgeLive: true }));
