-- Live teaching tools (issue 13): injected faults (applied once, also the class's fault log),
-- terminal recordings as deflated asciicast chunks bounded per student, teachers' own step
-- thresholds for stuck detection, and hints pushed to a student's lesson pane.

-- CreateTable
CREATE TABLE "FaultRecord" (
    "id" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "teacherId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "courseSlug" TEXT NOT NULL,
    "fault" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),
    "ok" BOOLEAN,
    "detail" TEXT,

    CONSTRAINT "FaultRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TerminalCast" (
    "id" BIGSERIAL NOT NULL,
    "userId" TEXT NOT NULL,
    "courseSlug" TEXT NOT NULL,
    "castId" TEXT NOT NULL,
    "tab" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TerminalCast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepThreshold" (
    "classId" TEXT NOT NULL,
    "lessonId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "seconds" INTEGER NOT NULL,

    CONSTRAINT "StepThreshold_pkey" PRIMARY KEY ("classId","lessonId","stepId")
);

-- CreateTable
CREATE TABLE "TeacherHint" (
    "id" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "studentId" TEXT NOT NULL,
    "teacherId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "textJa" TEXT NOT NULL,
    "textEn" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeacherHint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FaultRecord_studentId_courseSlug_appliedAt_idx" ON "FaultRecord"("studentId", "courseSlug", "appliedAt");

-- CreateIndex
CREATE INDEX "FaultRecord_classId_createdAt_idx" ON "FaultRecord"("classId", "createdAt");

-- CreateIndex
CREATE INDEX "TerminalCast_userId_id_idx" ON "TerminalCast"("userId", "id");

-- CreateIndex
CREATE INDEX "TerminalCast_castId_seq_idx" ON "TerminalCast"("castId", "seq");

-- CreateIndex
CREATE INDEX "TeacherHint_studentId_createdAt_idx" ON "TeacherHint"("studentId", "createdAt");

-- AddForeignKey
ALTER TABLE "FaultRecord" ADD CONSTRAINT "FaultRecord_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Classroom"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FaultRecord" ADD CONSTRAINT "FaultRecord_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TerminalCast" ADD CONSTRAINT "TerminalCast_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepThreshold" ADD CONSTRAINT "StepThreshold_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Classroom"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeacherHint" ADD CONSTRAINT "TeacherHint_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
