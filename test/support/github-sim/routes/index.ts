// Every route the simulation answers, most specific first (wildcard routes match greedily).
import type { Route } from '../router.js';
import { actionRoutes, downloadRoutes } from './actions.js';
import { appRoutes } from './app.js';
import { commitRoutes } from './commits.js';
import { contentRoutes } from './contents.js';
import { gitRoutes } from './git.js';
import { graphqlRoutes } from './graphql.js';
import { issueRoutes } from './issues.js';
import { pullRoutes } from './pulls.js';

export const routes: Route[] = [...appRoutes, ...actionRoutes, ...gitRoutes, ...commitRoutes, ...contentRoutes, ...pullRoutes, ...issueRoutes, ...graphqlRoutes, ...downloadRoutes];
