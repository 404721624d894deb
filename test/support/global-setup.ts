// Starts shared services for the suite. Each service module adds itself here.
export default async function globalSetup(): Promise<void> {}
