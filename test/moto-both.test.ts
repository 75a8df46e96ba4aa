import { describeMotoLane } from './support/moto-lane';

describeMotoLane({ kms: true, dynamodb: true });
