#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readPatgateContext } from '../lib/context';
import { PatgateStack } from '../lib/patgate-stack';

const app = new App();
// Synthesis fails on any cdk-nag finding that is not acknowledged, with a reason, next to its construct.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const { stackName, props } = readPatgateContext(app.node);
new PatgateStack(app, stackName, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'patgate: personal access tokens and RFC 8693 token exchange',
  ...props,
});
