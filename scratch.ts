import { configReference } from './src/config/reference.ts';
console.log(configReference());
